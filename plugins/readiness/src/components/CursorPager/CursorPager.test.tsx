import {
  act,
  fireEvent,
  render,
  renderHook,
  screen,
  waitFor,
} from '@testing-library/react';
import { CursorPager, plural, useCursorPages } from './CursorPager';

describe('useCursorPages', () => {
  it('walks forward and back by cursor, and drops the walk when the query changes', async () => {
    const after: Record<string, string | undefined> = { first: 'c1', c1: 'c2' };
    const load = jest.fn(async (cursor: string | undefined) => ({
      at: cursor ?? 'first',
      nextCursor: after[cursor ?? 'first'],
    }));
    const { result, rerender } = renderHook(
      ({ query }: { query: string }) => useCursorPages(load, [query]),
      { initialProps: { query: 'a' } },
    );
    await waitFor(() => expect(result.current.page.value?.at).toBe('first'));
    expect(result.current.previous).toBeUndefined();
    act(() => result.current.next!());
    await waitFor(() => expect(result.current.page.value?.at).toBe('c1'));
    act(() => result.current.next!());
    await waitFor(() => expect(result.current.page.value?.at).toBe('c2'));
    expect(result.current.number).toBe(3);
    expect(result.current.next).toBeUndefined();
    act(() => result.current.previous!());
    await waitFor(() => expect(result.current.page.value?.at).toBe('c1'));

    rerender({ query: 'b' });
    expect(result.current.number).toBe(1);
    // the previous query's answer is still on hand while the new one loads: no way on from it
    expect(result.current.next).toBeUndefined();
    expect(result.current.previous).toBeUndefined();
    await waitFor(() => expect(result.current.page.value?.at).toBe('first'));
    expect(load).toHaveBeenLastCalledWith(undefined);

    // back to the first query: it starts again at its first page too
    rerender({ query: 'a' });
    await waitFor(() => expect(result.current.page.loading).toBe(false));
    expect(result.current.number).toBe(1);
    expect(load).toHaveBeenLastCalledWith(undefined);
  });
});

describe('CursorPager', () => {
  it('names its buttons after what it pages and disables the ones without a page', () => {
    const next = jest.fn();
    render(
      <CursorPager what="blockers" status={plural(1, 'blocker')} next={next} />,
    );
    expect(screen.getByText('1 blocker')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Previous page of blockers' }),
    ).toBeDisabled();
    fireEvent.click(
      screen.getByRole('button', { name: 'Next page of blockers' }),
    );
    expect(next).toHaveBeenCalledTimes(1);
    expect(plural(2, 'service')).toBe('2 services');
  });
});
