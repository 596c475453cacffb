import type { CureMethod, StateProfile } from '../../shared/cure/profile.js';
import type { CureCode } from '../../shared/domain.js';
import { throwIllegalValue } from '../../shared/result.js';
import type { NoticePicture } from './notice-image.js';

/**
 * The words of a cure notice, in English or Spanish: what is wrong (per code), how to cure it,
 * the deadline on the office's clock, and whom to contact. The e-mail body, the letter (PDF)
 * and the mail-merge file all take their words from here, so they never disagree.
 */

export type Language = 'en' | 'es';

export interface NoticeData {
  language: Language;
  voter: { name: string; mailingLines: string[] };
  ballotId: string;
  electionName: string;
  cureCodes: CureCode[];
  /** ISO instant. */
  deadline: string;
  profile: StateProfile;
  office: { name: string; addressLines: string[]; phone: string; email: string; website?: string };
  /** YYYY-MM-DD. */
  noticeDate: string;
  /** The envelope (or signature) picture of the case's scan, when the office shows one (notice-image.ts). */
  picture?: NoticePicture;
}

export interface NoticeProblem {
  code: CureCode;
  label: string;
  instructions: string;
  curable: boolean;
  method: CureMethod;
}

export interface AffidavitContent {
  title: string;
  statement: string;
  /** Present when a cure needs a copy of ID. */
  idNote: string | null;
  printedName: string;
  signature: string;
  date: string;
  ballotId: string;
  phone: string;
  returnTo: string;
}

export interface NoticeContent {
  language: Language;
  subject: string;
  dateLine: string;
  greeting: string;
  intro: string;
  problemsHeading: string;
  whatToDo: string;
  problems: NoticeProblem[];
  /** The deadline in words, on the office's clock. */
  deadline: string;
  /** The deadline sentence, printed in bold on the letter. */
  deadlineLine: string;
  deadlineWarning: string;
  contactLines: string[];
  closing: string;
  /** Null when no cure asks the voter to sign a form. */
  affidavit: AffidavitContent | null;
}

interface Phrases {
  subject: (election: string) => string;
  greeting: (name: string) => string;
  intro: (ballotId: string, election: string, problems: number) => string;
  problemsHeading: string;
  whatToDo: string;
  deadline: (when: string) => string;
  contactBy: (when: string) => string;
  warning: string;
  call: (phone: string, email: string) => string;
  website: (url: string) => string;
  inPerson: string;
  closing: string;
  at: string;
  affidavitTitle: string;
  statement: (ballotId: string, election: string) => string;
  idNote: string;
  printedName: string;
  signature: string;
  date: string;
  ballotId: string;
  phone: string;
  returnTo: (when: string) => string;
}

const PHRASES: Record<Language, Phrases> = {
  en: {
    subject: (e) => `Action needed: your mail ballot for the ${e} cannot be counted yet`,
    greeting: (name) => `Dear ${name},`,
    intro: (id, e, k) =>
      `We received your mail ballot for the ${e} (ballot ID ${id}). Before it can be counted, ${k === 1 ? 'the problem below must be' : 'the problems below must be'} corrected.`,
    problemsHeading: 'What is wrong and how to fix it',
    whatToDo: 'What to do:',
    deadline: (when) => `Deadline: we must receive your correction by ${when}.`,
    contactBy: (when) => `Please contact our office by ${when}.`,
    warning: 'If we do not receive it by then, your ballot will not be counted.',
    call: (phone, email) => `Questions? Call ${phone} or write to ${email}.`,
    website: (url) => `More information: ${url}`,
    inPerson: 'You may also bring it in person to:',
    closing: 'Sincerely,',
    at: 'at',
    affidavitTitle: 'Cure Affidavit',
    statement: (id, e) =>
      `I declare that I am the voter named below, that I personally completed and returned the mail ballot with ballot ID ${id} for the ${e}, and that I have not voted any other ballot in this election.`,
    idNote: 'Attach a copy of an acceptable form of identification.',
    printedName: 'Printed name',
    signature: 'Signature of voter',
    date: 'Date',
    ballotId: 'Ballot ID',
    phone: 'Phone (optional)',
    returnTo: (when) => `Return this page by ${when} to:`,
  },
  es: {
    subject: (e) => `Acción necesaria: su boleta por correo para la elección ${e} todavía no puede contarse`,
    greeting: (name) => `Estimado(a) ${name}:`,
    intro: (id, e, k) =>
      `Recibimos su boleta por correo para la elección ${e} (número de boleta ${id}). Antes de que podamos contarla, ${k === 1 ? 'se debe corregir el problema que se indica' : 'se deben corregir los problemas que se indican'} a continuación.`,
    problemsHeading: 'Qué está mal y cómo corregirlo',
    whatToDo: 'Qué debe hacer:',
    deadline: (when) => `Fecha límite: debemos recibir su corrección a más tardar el ${when}.`,
    contactBy: (when) => `Comuníquese con nuestra oficina a más tardar el ${when}.`,
    warning: 'Si no la recibimos para entonces, su boleta no se contará.',
    call: (phone, email) => `¿Tiene preguntas? Llame al ${phone} o escriba a ${email}.`,
    website: (url) => `Más información: ${url}`,
    inPerson: 'También puede entregarla en persona en:',
    closing: 'Atentamente,',
    at: 'a las',
    affidavitTitle: 'Declaración jurada para subsanar la boleta',
    statement: (id, e) =>
      `Declaro que soy el votante o la votante cuyo nombre aparece abajo, que yo personalmente completé y devolví la boleta por correo número ${id} para la elección ${e}, y que no he votado ninguna otra boleta en esta elección.`,
    idNote: 'Adjunte una copia de una identificación aceptable.',
    printedName: 'Nombre en letra de molde',
    signature: 'Firma del votante',
    date: 'Fecha',
    ballotId: 'Número de boleta',
    phone: 'Teléfono (opcional)',
    returnTo: (when) => `Devuelva esta página a más tardar el ${when} a:`,
  },
};

const LOCALE: Record<Language, string> = { en: 'en-US', es: 'es-US' };

/** ICU puts narrow and no-break spaces in times ("5:00 PM"); letters and CSV want plain ones. */
function plainSpaces(s: string): string {
  return s.replace(/[\u00a0\u2009\u202f]/g, ' ');
}

/** "Thursday, November 14, 2024 at 5:00 PM EST" / "jueves, 14 de noviembre de 2024, a las 5:00 p.m. EST". */
export function formatDeadline(instant: string, timeZone: string, language: Language): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) throw new Error(`not an ISO instant: ${instant}`);
  const locale = LOCALE[language];
  const date = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(at);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
  const joiner = language === 'en' ? ' ' : ', ';
  return plainSpaces(`${date}${joiner}${PHRASES[language].at} ${time}`);
}

/** A calendar date (YYYY-MM-DD) in words: "November 6, 2024" / "6 de noviembre de 2024". */
export function formatNoticeDate(date: string, language: Language): string {
  const at = new Date(`${date}T12:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(at.getTime())) throw new Error(`not a date: ${date}`);
  const f = new Intl.DateTimeFormat(LOCALE[language], {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
  return plainSpaces(f.format(at));
}

export function noticeProblems(n: NoticeData): NoticeProblem[] {
  if (n.cureCodes.length === 0)
    throw new Error(`ballot ${n.ballotId}: a notice needs at least one cure code`);
  return [...new Set(n.cureCodes)].map((code) => {
    const rule = n.profile.cureCodes[code];
    if (!rule) throw new Error(`${code} does not apply under the ${n.profile.name} profile`);
    return {
      code,
      label: rule.label[n.language],
      instructions: rule.instructions[n.language],
      curable: rule.curable,
      method: rule.method,
    };
  });
}

/** Whether the voter signs a form we send (and so gets the affidavit page). */
function needsSignedForm(method: CureMethod): boolean {
  switch (method) {
    case 'affidavit':
    case 'id':
    case 'signature-update':
      return true;
    case 'new-ballot':
    case 'none':
      return false;
    default:
      return throwIllegalValue(method, 'cure method');
  }
}

export function noticeContent(n: NoticeData): NoticeContent {
  const p = PHRASES[n.language];
  const problems = noticeProblems(n);
  const when = formatDeadline(n.deadline, n.profile.timeZone, n.language);
  const anyCurable = problems.some((x) => x.curable);
  const contactLines = [
    p.call(n.office.phone, n.office.email),
    ...(n.office.website ? [p.website(n.office.website)] : []),
    `${p.inPerson} ${[n.office.name, ...n.office.addressLines].join(', ')}.`,
  ];
  const signed = problems.filter((x) => x.curable && needsSignedForm(x.method));
  return {
    language: n.language,
    subject: p.subject(n.electionName),
    dateLine: formatNoticeDate(n.noticeDate, n.language),
    greeting: p.greeting(n.voter.name),
    intro: p.intro(n.ballotId, n.electionName, problems.length),
    problemsHeading: p.problemsHeading,
    whatToDo: p.whatToDo,
    problems,
    deadline: when,
    deadlineLine: anyCurable ? p.deadline(when) : p.contactBy(when),
    deadlineWarning: p.warning,
    contactLines,
    closing: p.closing,
    affidavit:
      signed.length === 0
        ? null
        : {
            title: p.affidavitTitle,
            statement: p.statement(n.ballotId, n.electionName),
            idNote: signed.some((x) => x.method === 'id' || x.code === 'SIGNATURE_MISMATCH')
              ? p.idNote
              : null,
            printedName: p.printedName,
            signature: p.signature,
            date: p.date,
            ballotId: p.ballotId,
            phone: p.phone,
            returnTo: p.returnTo(when),
          },
  };
}

/** The notice as an e-mail: subject and plain-text body. */
export function noticeText(n: NoticeData): { subject: string; body: string } {
  const c = noticeContent(n);
  const problems = c.problems.flatMap((x, i) => [
    `${i + 1}. ${x.label}`,
    `   ${c.whatToDo} ${x.instructions}`,
    '',
  ]);
  const body = [
    c.greeting,
    '',
    c.intro,
    '',
    `${c.problemsHeading}:`,
    '',
    ...problems,
    c.deadlineLine,
    c.deadlineWarning,
    '',
    ...c.contactLines,
    '',
    c.closing,
    n.office.name,
  ].join('\n');
  return { subject: c.subject, body: `${body}\n` };
}
