/** A text field a person may be typing into: the wedge detector never takes their typing. */
export function isEditable(t: EventTarget | null): t is HTMLInputElement | HTMLTextAreaElement {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement;
}

/** A PIN or password box: what is typed there is never a scan, however fast. */
export function isSecret(t: EventTarget | null): boolean {
  return t instanceof HTMLInputElement && t.type === 'password';
}

/**
 * Takes a scanner burst's characters back out of the field they were typed into, if they are
 * still just before the caret, and tells React (a controlled input keeps its own copy).
 */
export function removeTyped(field: HTMLInputElement | HTMLTextAreaElement, chars: string): void {
  if (!chars || !field.isConnected) return;
  const caret = field.selectionStart ?? field.value.length;
  const before = field.value.slice(0, caret);
  if (!before.endsWith(chars)) return;
  const next = before.slice(0, before.length - chars.length) + field.value.slice(caret);
  const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, next);
  field.setSelectionRange(caret - chars.length, caret - chars.length);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}
