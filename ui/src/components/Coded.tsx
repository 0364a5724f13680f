/**
 * One of P100's codes in words; the code itself (what operators quote to P100's support) in the
 * tooltip and in `data-code`. With a `tone`, drawn as a badge of that tone.
 */
export function Coded({ code, words, tone }: { code: string; words: string | null; tone?: 'ok' | 'wait' | 'bad' | 'neutral' }) {
  return (
    <span class={tone ? `badge ${tone}` : 'coded'} title={code} data-code={code}>
      {words ?? code}
    </span>
  );
}
