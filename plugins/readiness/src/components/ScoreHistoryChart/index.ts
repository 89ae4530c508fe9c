export { ScoreHistoryChart } from './ScoreHistoryChart';
