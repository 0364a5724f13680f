import { useEffect, useState } from 'preact/hooks';

/**
 * `on`, once it has stayed true for `ms`; false again as soon as it is false. For "busy" looks
 * that should not flash: an answer quicker than `ms` never dims the screen, so a keystroke costs
 * one repaint (the answer), not three (dim, answer, undim).
 */
export function useDelayed(on: boolean, ms: number): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!on) {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => setShown(true), ms);
    return () => clearTimeout(timer);
  }, [on, ms]);
  return shown;
}
