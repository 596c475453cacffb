/** A text field a person may be typing into: the wedge detector never takes their typing. */
export function isEditable(t: EventTarget | null): t is HTMLInputElement | HTMLTextAreaElement {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement;
}
