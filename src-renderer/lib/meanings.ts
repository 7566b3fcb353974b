// What an inspector field's value means, in the user's language (issue 5): main sends each
// meaning as codes and the values they are made of (FieldView.meaningClauses), the catalog words
// each code (`meaning.CODE`), and numbers are said as the window says them elsewhere ("1.234",
// "40,0 KB" in German). A field whose meaning comes without codes is shown as main words it.
// Records' and extra fields' titles likewise (RecordView.titled, `record.CODE`).

import type { FieldView, MeaningPart, RecordView } from '../../src-preload/contract.js';
import { formatBytes, formatCount } from './format.js';
import { hasMessage, locale, t, type Locale } from './i18n.js';
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
  // An extra field's title, by its code (`record`) where it has one.
  const record = `record.${params['record']}`;
  if (typeof params['record'] === 'string' && hasMessage(record)) shown['title'] = t(record, {}, language);
  return t(`meaning.${code}`, shown, language);
}

/** A record's or extra field's title ("erweiterter Zeitstempel (0x5455)"); one without a code as main says it. */
export function recordTitle(record: Pick<RecordView, 'title' | 'titled'>, language: Locale = locale): string {
  const { titled } = record;
  const key = `record.${titled?.code}`;
  if (titled === null || !hasMessage(key)) return visibleText(record.title);
  const title = titled.cutShort ? t('record.cutShort', { title: t(key, {}, language) }, language) : t(key, {}, language);
  return titled.headerId === null ? title : t('record.withId', { title, id: `0x${titled.headerId.toString(16).padStart(4, '0')}` }, language);
}
