import { Fragment } from 'react';

// After a dash (folios: MON-2026-000382-3), before the @ and dots of an address: where a reader expects
// a line to continue, rather than in the middle of a number or a name.
const JOINTS = /(?<=-)|(?=[@.])/;

/** Text that may wrap only at its natural joints, for folios and addresses on narrow screens. */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(JOINTS);
  return (
    <>
      {parts.map((part, index) => (
        // The parts of one text never reorder, so their position is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
