/**
 * Headless Chromium for printing the yearly report (HTML → PDF) and checking it in a real browser:
 * Debian's `chromium` package (156.x on bookworm), driven by puppeteer-core, never a browser
 * download of puppeteer's own. With it come `poppler-utils` (pdfinfo, pdftoppm: page count and
 * page images of the printed PDF) and `fonts-dejavu-core`, the one font family the report needs
 * (fontconfig's default sans/serif/mono, with every Dutch letter: ë, ï, é, ĳ, and €).
 *
 * Not a service: nothing runs between uses; each print starts and closes its own browser.
 */
import { ensureAptPackages } from './apt.ts';

const piece = 'chromium';

/** Debian's launcher script (sets its flags, then runs /usr/lib/chromium/chromium). */
export const chromiumBinary = '/usr/bin/chromium';
/** poppler's pdfinfo: "Pages: N" and the page size of a PDF. */
export const pdfinfoBinary = '/usr/bin/pdfinfo';
/** poppler's pdftoppm: PDF pages as PNG images. */
export const pdftoppmBinary = '/usr/bin/pdftoppm';
/** A file of fonts-dejavu-core: its presence means the package is installed. */
const dejavuSans = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

const aptPackages = ['chromium', 'poppler-utils', 'fonts-dejavu-core'] as const;

/**
 * Installs Chromium, poppler-utils and the report's font through apt when one of them is missing
 * (about 300 MB; a no-op afterwards) and returns the Chromium executable for puppeteer-core.
 * @throws StackError when not root or the Debian mirror cannot be reached (see apt.ts).
 */
export async function ensureChromium(): Promise<string> {
  await ensureAptPackages({
    service: piece,
    packages: aptPackages,
    binaries: [chromiumBinary, pdfinfoBinary, pdftoppmBinary, dejavuSans],
  });
  return chromiumBinary;
}

/** The pdfinfo binary, installed (with Chromium) when missing. */
export async function pdfinfoPath(): Promise<string> {
  await ensureChromium();
  return pdfinfoBinary;
}
