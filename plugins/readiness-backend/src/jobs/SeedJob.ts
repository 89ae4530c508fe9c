import { PlanSeeder } from '../seed/PlanSeeder';
import { ReadinessJob } from './scheduleJob';

/**
 * Applies the seed file (`readiness.seed.file`, the demo's) every 30 seconds, so services
 * the catalog has not loaded yet are seeded once it has; not configurable.
 * @internal
 */
export class SeedJob implements ReadinessJob {
  readonly id = 'readiness-seed';
  readonly defaults = {
    frequency: { seconds: 30 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 5 },
  };

  constructor(private readonly seeder: PlanSeeder) {}

  run() {
    return this.seeder.run();
  }
}
