import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** A line chart of score points over time (0–100). */
export function ScoreHistoryChart(props: {
  title: string;
  points: Array<{ at: string; value: number }>;
  height?: number;
}) {
  const theme = useTheme();
  if (props.points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No history yet
      </Typography>
    );
  }
  return (
    <figure aria-label={props.title} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height={props.height ?? 220}>
        <LineChart
          data={props.points}
          margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
          <XAxis
            dataKey="at"
            stroke={theme.palette.text.secondary}
            fontSize={12}
          />
          <YAxis
            domain={[0, 100]}
            stroke={theme.palette.text.secondary}
            fontSize={12}
          />
          <Tooltip />
          <Line
            type="stepAfter"
            dataKey="value"
            name="Score"
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            dot={props.points.length < 40}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
