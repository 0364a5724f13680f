import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { useCallback, useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TOASTS, Toasts, stacked, type ToastMessage } from './Toast';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

let seq = 0;
const toast = (kind: ToastMessage['kind'], text: string): ToastMessage => ({ id: ++seq, kind, text });

/** The toasts as the shell holds them: `notify` stacks one, dismissing removes it. */
function Harness({ onReady }: { onReady: (notify: (t: ToastMessage) => void) => void }) {
  const [list, setList] = useState<ToastMessage[]>([]);
  const dismiss = useCallback((id: number) => setList((l) => l.filter((t) => t.id !== id)), []);
  onReady((t) => setList((l) => stacked(l, t)));
  return <Toasts toasts={list} onDismiss={dismiss} />;
}

function mount() {
  let notify: (t: ToastMessage) => void = () => undefined;
  render(<Harness onReady={(n) => (notify = n)} />);
  return (t: ToastMessage) => act(() => notify(t));
}

const shown = () => screen.queryAllByTestId('toast').map((t) => t.textContent);

describe('toasts', () => {
  it('stack newest on top; a success fades, an error stays until it is dismissed', () => {
    const notify = mount();
    notify(toast('error', 'P100 refused the key'));
    notify(toast('success', 'Created Ada Lovelace'));
    expect(shown()).toEqual(['Created Ada Lovelace', 'P100 refused the key']);
    expect(screen.getByRole('alert').textContent).toContain('P100 refused the key');

    act(() => void vi.advanceTimersByTime(6500));
    expect(shown()).toEqual(['P100 refused the key']);
    act(() => void vi.advanceTimersByTime(60_000));
    expect(shown()).toEqual(['P100 refused the key']);

    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(shown()).toEqual([]);
  });

  it('a new success replaces the one before (with a time of its own); a success may be dismissed', () => {
    const notify = mount();
    notify(toast('error', 'Upload failed'));
    notify(toast('success', 'Suspended Ada'));
    act(() => void vi.advanceTimersByTime(4000));
    notify(toast('success', 'Unsuspended Ada'));
    expect(shown()).toEqual(['Unsuspended Ada', 'Upload failed']);
    act(() => void vi.advanceTimersByTime(2500));
    expect(shown()).toEqual(['Unsuspended Ada', 'Upload failed']);
    fireEvent.click(screen.getAllByRole('button', { name: 'Dismiss' })[0]);
    expect(shown()).toEqual(['Upload failed']);
  });

  it(`keeps ${MAX_TOASTS} at most: the oldest error goes, the newest toast stays`, () => {
    const list = [
      toast('error', 'e1'),
      toast('success', 's1'),
      toast('error', 'e2'),
      toast('error', 'e3'),
      toast('error', 'e4'),
      toast('error', 'e5'),
      toast('success', 's2'),
    ].reduce<ToastMessage[]>((l, t) => stacked(l, t), []);
    expect(list.map((t) => t.text)).toEqual(['s2', 'e5', 'e4', 'e3', 'e2']);
  });
});
