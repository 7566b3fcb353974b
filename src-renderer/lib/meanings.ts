// What an inspector field's value means, in the user's language (issue 5): main sends each
// meaning as codes and the values they are made of (FieldView.meaningClauses), the catalog words
// each code (`meaning.CODE`), and numbers are said as the window says them elsewhere ("1.234",
// "40,0 KB" in German). A field whose meaning comes without codes is shown as main words it.

import type { FieldView, MeaningPart } from '../../src-preload/contract.js';
import { formatBytes, formatCount } from './format.js';
import { locale, t, type Locale } from './i18n.js';
import { visibleText } from './visible.js';

export function meaningText(field: Pick<FieldView, 'meaning' | 'meaningClauses'>, language: Locale = locale): string {
  if (field.meaningClauses.length === 0) return visibleText(field.meaning);
  return field.meaningClauses.map((clause) => clause.map((part) => partText(part, language)).join(', ')).join('; ');
}

function partText({ code, params = {} }: MeaningPart, language: Locale): string {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    shown[name] = typeof value === 'string' ? value : name === 'size' ? formatBytes(value, language) : formatCount(value, language);
  }
  return t(`meaning.${code}`, shown, language);
}
