import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { ImportDialog } from './ImportDialog';

const ref = { kind: 'component', namespace: 'default', name: 'payments' };
const preview = {
  claimedScore: 70,
  evidenceBasedScore: 31.5,
  blockers: [],
  mapping: [
    {
      taskId: '1.1',
      title: 'Error tracking',
      status: 'done',
      from: ['1.1 Add Sentry'],
    },
  ],
  warnings: ['Could not map "Launch party" to a task of template "default"'],
};

async function open(
  api: Partial<ReadinessApi>,
  canApply: boolean,
  onApplied = jest.fn(),
) {
  await renderInTestApp(
    <TestApiProvider apis={[[readinessApiRef, api as ReadinessApi]]}>
      <ImportDialog
        entityRef={ref}
        canApply={canApply}
        open
        onClose={jest.fn()}
        onApplied={onApplied}
      />
    </TestApiProvider>,
  );
  fireEvent.change(screen.getByRole('textbox', { name: 'Markdown report' }), {
    target: { value: '- [x] 1.1 Add Sentry' },
  });
}

describe('ImportDialog', () => {
  it('previews the mapping, the claimed vs evidence-based score and warnings, then applies', async () => {
    const api = {
      previewImport: jest.fn().mockResolvedValue(preview),
      applyImport: jest.fn().mockResolvedValue({ applied: [] }),
    };
    const onApplied = jest.fn();
    await open(api, true, onApplied);
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByText(
        /claims 70; applied as claims it would be worth 31.5/,
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Import mapping' })).getByText(
        '1.1 Error tracking: done',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Import warnings' })).getByText(
        /Launch party/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(api.applyImport).toHaveBeenCalledWith(ref, '- [x] 1.1 Add Sentry'),
    );
    expect(onApplied).toHaveBeenCalled();
  });

  it('renders imported text as text, never as HTML', async () => {
    const evil =
      '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
    await open(
      {
        previewImport: jest.fn().mockResolvedValue({
          ...preview,
          mapping: [
            {
              taskId: '1.1',
              title: 'Error tracking',
              status: 'done',
              from: [evil],
            },
          ],
          warnings: [evil],
        }),
      },
      false,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText(`from: ${evil}`)).toBeInTheDocument();
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect(document.querySelector('script')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
  });

  it('offers only a preview without the update permission', async () => {
    await open({ previewImport: jest.fn().mockResolvedValue(preview) }, false);
    expect(
      screen.queryByRole('button', { name: 'Apply' }),
    ).not.toBeInTheDocument();
  });

  it('shows preview errors', async () => {
    await open(
      { previewImport: jest.fn().mockRejectedValue(new Error('too large')) },
      true,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findAllByText(/too large/)).length).toBeGreaterThan(0);
  });

  it('lists each report item with its line and lets the user correct its mapping before applying', async () => {
    const detailed = {
      ...preview,
      phases: [
        {
          title: 'Monitoring',
          line: 3,
          tasks: [
            {
              id: 'L5',
              line: 5,
              ref: '1.1',
              title: 'Add Sentry',
              status: 'done',
              p0: false,
              checklist: [
                { text: 'SDK installed', done: true, line: 6 },
                { text: 'Alerts', done: false, line: 7 },
              ],
              mappedTo: {
                taskId: '1.1',
                title: 'Error tracking',
                confidence: 0.8,
              },
            },
            {
              id: 'L9',
              line: 9,
              title: 'Launch party',
              status: 'done',
              p0: false,
              checklist: [],
            },
          ],
        },
      ],
      templateTasks: [
        { id: '1.1', title: 'Error tracking' },
        { id: '5.2', title: 'Load tested' },
      ],
      blockers: [{ text: 'Build fails on main', open: true, line: 2 }],
      unmapped: [{ line: 9, text: 'Launch party', reason: 'no task matches' }],
    };
    const api = {
      previewImport: jest.fn().mockResolvedValue(detailed),
      applyImport: jest.fn().mockResolvedValue({ applied: [] }),
    };
    await open(api, true);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const table = await screen.findByRole('table', { name: 'Report items' });
    expect(within(table).getByText('1.1 Add Sentry')).toBeInTheDocument();
    expect(within(table).getByText('1/2')).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Reported blockers' })).getByText(
        'Build fails on main',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Not imported' })).getByText(
        'Line 9: Launch party',
      ),
    ).toBeInTheDocument();

    // The launch party is really the load test; Sentry stays out of this import.
    fireEvent.mouseDown(screen.getByRole('button', { name: /Map line 9/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: '5.2 Load tested' }),
    );
    await waitFor(() =>
      expect(api.previewImport).toHaveBeenLastCalledWith(
        ref,
        '- [x] 1.1 Add Sentry',
        {
          L9: '5.2',
        },
      ),
    );
    fireEvent.mouseDown(screen.getByRole('button', { name: /Map line 5/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'Leave out' }));
    await waitFor(() =>
      expect(api.previewImport).toHaveBeenLastCalledWith(
        ref,
        '- [x] 1.1 Add Sentry',
        {
          L9: '5.2',
          L5: null,
        },
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(api.applyImport).toHaveBeenCalledWith(
        ref,
        '- [x] 1.1 Add Sentry',
        {
          L9: '5.2',
          L5: null,
        },
      ),
    );
  });
});
