import { InitiativeProgressPoint } from '@prodready/plugin-readiness-common';
import { makeStyles, useTheme } from '@material-ui/core/styles';

const DAY_MS = 86_400_000;
const WIDTH = 640;
const MARGIN = { top: 24, right: 16, bottom: 28, left: 40 };

const useStyles = makeStyles({
  figure: { margin: 0 },
  svg: { width: '100%', height: 'auto', display: 'block' },
  visuallyHidden: {
    clip: 'rect(0 0 0 0)',
    clipPath: 'inset(50%)',
    overflow: 'hidden',
    position: 'absolute',
    whiteSpace: 'nowrap',
    height: 1,
    width: 1,
  },
});

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** What the chart shows, in words: its accessible name. */
export function burnUpSummary(props: {
  title: string;
  deadline: string;
  total: number;
  history: InitiativeProgressPoint[];
}): string {
  const { title, deadline, total } = props;
  const history = [...props.history].sort((a, b) => a.day.localeCompare(b.day));
  const tail = `${total} services covered now; deadline ${deadline}`;
  if (history.length === 0) {
    return `Burn-up of ${title}: no progress recorded yet; ${tail}`;
  }
  const first = history[0];
  const last = history[history.length - 1];
  const from = history.length > 1 ? `, from ${first.met} on ${first.day}` : '';
  return `Burn-up of ${title}: ${last.met} of ${last.services} services met the goal on ${last.day}${from}; ${tail}`;
}

/**
 * Burn-up of an initiative: the services meeting its goal day by day (line and area) against
 * the services it covers now (horizontal line), on a time axis from its start to its deadline
 * (vertical marker). An SVG image with its data in a visually hidden table.
 */
export function InitiativeBurnUp(props: {
  /** The initiative's title, for the accessible name. */
  title: string;
  startsAt: string;
  deadline: string;
  /** The services the initiative covers now. */
  total: number;
  history: InitiativeProgressPoint[];
  height?: number;
}) {
  const { title, startsAt, deadline, total } = props;
  const classes = useStyles();
  const theme = useTheme();
  const height = props.height ?? 240;
  const history = [...props.history].sort((a, b) => a.day.localeCompare(b.day));

  const first = history.length ? history[0].day : startsAt;
  const last = history.length ? history[history.length - 1].day : deadline;
  const from = Math.min(dayMs(startsAt), dayMs(first));
  // One day at least, so that a single-day initiative still has a width.
  const to = Math.max(dayMs(deadline), dayMs(last), from + DAY_MS);
  const max = Math.max(
    1,
    total,
    ...history.map(p => Math.max(p.services, p.met)),
  );

  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  // Coordinates to a tenth of a unit: exact enough, and stable in the markup.
  const round = (n: number) => Math.round(n * 10) / 10;
  const x = (day: string) =>
    round(MARGIN.left + ((dayMs(day) - from) / (to - from)) * plotWidth);
  const y = (value: number) =>
    round(MARGIN.top + plotHeight - (value / max) * plotHeight);
  const left = MARGIN.left;
  const right = MARGIN.left + plotWidth;
  const bottom = y(0);

  const line = history.map(p => `${x(p.day)},${y(p.met)}`).join(' ');
  const area = history.length
    ? `M ${x(history[0].day)},${bottom} L ${history
        .map(p => `${x(p.day)},${y(p.met)}`)
        .join(' L ')} L ${x(history[history.length - 1].day)},${bottom} Z`
    : '';
  const startDay = new Date(from).toISOString().slice(0, 10);
  const deadlineX = x(deadline);
  const text = theme.palette.text.secondary;
  const color = theme.palette.primary.main;

  return (
    <figure className={classes.figure}>
      <svg
        role="img"
        aria-label={burnUpSummary({ title, deadline, total, history })}
        viewBox={`0 0 ${WIDTH} ${height}`}
        className={classes.svg}
        fontFamily={theme.typography.fontFamily}
      >
        <g aria-hidden="true">
          {/* axes */}
          <line x1={left} x2={right} y1={bottom} y2={bottom} stroke={text} />
          <line x1={left} x2={left} y1={MARGIN.top} y2={bottom} stroke={text} />
          <text
            x={left - 6}
            y={bottom}
            textAnchor="end"
            fontSize={11}
            fill={text}
          >
            0
          </text>
          <text
            x={left - 6}
            y={y(max) + 4}
            textAnchor="end"
            fontSize={11}
            fill={text}
          >
            {max}
          </text>
          <text x={left} y={height - 8} fontSize={11} fill={text}>
            {startDay}
          </text>
          <text
            x={right}
            y={height - 8}
            textAnchor="end"
            fontSize={11}
            fill={text}
          >
            {new Date(to).toISOString().slice(0, 10)}
          </text>

          {/* the services covered now */}
          <line
            data-testid="burn-up-total"
            x1={left}
            x2={right}
            y1={y(total)}
            y2={y(total)}
            stroke={text}
            strokeDasharray="6 4"
          />
          <text
            x={left + 4}
            y={y(total) - 4}
            fontSize={11}
            fill={text}
          >{`${total} services`}</text>

          {/* the deadline */}
          <line
            data-testid="burn-up-deadline"
            x1={deadlineX}
            x2={deadlineX}
            y1={MARGIN.top - 8}
            y2={bottom}
            stroke={theme.palette.error.main}
            strokeDasharray="2 3"
            strokeWidth={2}
          />
          <text
            x={deadlineX - 4}
            y={MARGIN.top - 10}
            textAnchor="end"
            fontSize={11}
            fill={theme.palette.error.main}
          >
            Deadline
          </text>

          {/* the services meeting the goal, day by day */}
          {history.length > 0 && (
            <>
              <path d={area} fill={color} fillOpacity={0.15} />
              <polyline
                data-testid="burn-up-met"
                points={line}
                fill="none"
                stroke={color}
                strokeWidth={2}
              />
              {history.length <= 31 &&
                history.map(p => (
                  <circle
                    key={p.day}
                    cx={x(p.day)}
                    cy={y(p.met)}
                    r={3}
                    fill={color}
                  />
                ))}
            </>
          )}
          {history.length === 0 && (
            <text
              x={(left + right) / 2}
              y={MARGIN.top + plotHeight / 2}
              textAnchor="middle"
              fontSize={13}
              fill={text}
            >
              No progress recorded yet
            </text>
          )}
        </g>
      </svg>
      <table className={classes.visuallyHidden}>
        <caption>{`Burn-up of ${title}, day by day`}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Services</th>
            <th scope="col">Meet the goal</th>
          </tr>
        </thead>
        <tbody>
          {history.map(p => (
            <tr key={p.day}>
              <td>{p.day}</td>
              <td>{p.services}</td>
              <td>{p.met}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
