/** Says where files dropped on the window will go; the active zone is highlighted. */
export function DropHint({ active, testId }: { active: boolean; testId: string }) {
  return (
    <p class={`drop-hint${active ? ' active' : ''}`} data-testid={testId}>
      {active
        ? 'Files dropped on the window go here.'
        : 'Click into this panel to drop files on the window here.'}
    </p>
  );
}
