// Where a broken JSON text breaks, as a 1-based line and column with a short reason. Node's
// JSON.parse says "at position N" for some mistakes and nothing at all for others (e.g.
// `Unexpected token '}', "..." is not valid JSON`), and the wording changes between versions, so
// this small scanner walks RFC 8259's grammar and stops at the first character that cannot
// continue it. It only locates errors; parsing is still JSON.parse's job.

export interface JsonErrorLocation {
  /** 0-based offset into the text (UTF-16 units, as JSON.parse counts). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

class JsonSyntaxProblem extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 0x0a) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first syntax error in `text`, or undefined when the text is valid JSON. */
export function findJsonError(text: string): JsonErrorLocation | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntaxProblem)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), reason: error.reason };
  }
}

/** Deeper than any settings file needs; the scanner recurses, and a file of 5,000 "[" overflowed its stack. */
const MAX_DEPTH = 256;

class JsonScanner {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.skipSpace();
    if (this.at >= this.text.length) this.fail('the file is empty; expected a JSON object');
    this.value();
    this.skipSpace();
    if (this.at < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the JSON value`);
  }

  private value(): void {
    const char = this.text[this.at];
    if ((char === '{' || char === '[') && ++this.depth > MAX_DEPTH) this.fail(`the JSON is nested more than ${MAX_DEPTH} levels deep`);
    if (char === '{') return this.nested(() => this.object());
    if (char === '[') return this.nested(() => this.array());
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return;
      }
    }
    this.fail(`expected a value, found ${this.describe()}`);
  }

  private nested(scan: () => void): void {
    scan();
    this.depth--;
  }

  private object(): void {
    this.at++; // '{'
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') {
        const trailing = this.text[this.at] === '}' ? ' (JSON allows no comma before "}")' : '';
        this.fail(`expected a property name in double quotes, found ${this.describe()}${trailing}`);
      }
      this.string();
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail(`expected ':' after the property name, found ${this.describe()}`);
      this.at++;
      this.skipSpace();
      this.value();
      if (this.closesAfter('}', 'the property value')) return;
    }
  }

  /** After a member: true past the closing bracket, false past a comma; anything else fails. */
  private closesAfter(close: '}' | ']', member: string): boolean {
    this.skipSpace();
    const next = this.text[this.at];
    if (next !== ',' && next !== close) this.fail(`expected ',' or '${close}' after ${member}, found ${this.describe()}`);
    this.at++;
    return next === close;
  }

  private array(): void {
    this.at++; // '['
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === ']') this.fail(`expected a value, found "]" (JSON allows no comma before "]")`);
      this.value();
      if (this.closesAfter(']', 'the array element')) return;
    }
  }

  private string(): void {
    this.at++; // opening quote
    for (;;) {
      if (this.at >= this.text.length) this.fail('unterminated string');
      const code = this.text.charCodeAt(this.at);
      if (code === 0x22) {
        this.at++;
        return;
      }
      if (code < 0x20) this.fail('line break or control character inside a string');
      if (code === 0x5c) {
        const escape = this.text[this.at + 1];
        if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          this.at += 2;
        } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
          this.at += 6;
        } else {
          this.at++;
          this.fail('bad escape sequence in a string');
        }
        continue;
      }
      this.at++;
    }
  }

  private number(): void {
    // Stops at the first character the grammar cannot take, where JSON.parse points too.
    if (this.text[this.at] === '-') this.at++;
    if (this.text[this.at] === '0') this.at++;
    else this.digits('a digit');
    if (this.text[this.at] === '.') {
      this.at++;
      this.digits('a digit after the decimal point');
    }
    if (this.text[this.at] === 'e' || this.text[this.at] === 'E') {
      this.at++;
      if (this.text[this.at] === '+' || this.text[this.at] === '-') this.at++;
      this.digits('a digit in the exponent');
    }
  }

  private digits(what: string): void {
    const start = this.at;
    while (this.at < this.text.length && (this.text[this.at] as string) >= '0' && (this.text[this.at] as string) <= '9') this.at++;
    if (this.at === start) this.fail(`expected ${what} in a number, found ${this.describe()}`);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] as string)) this.at++;
  }

  private describe(): string {
    if (this.at >= this.text.length) return 'the end of the file';
    const char = this.text[this.at] as string;
    if (char === '/') return `"/" (JSON has no comments)`;
    if (char === "'") return `"'" (JSON strings take double quotes)`;
    return JSON.stringify(char);
  }

  private fail(reason: string): never {
    throw new JsonSyntaxProblem(this.at, reason);
  }
}
