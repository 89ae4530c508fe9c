export * from '../domain/ReadinessService';
