/**
 * The report's appendix, "Definities en norm": what every printed figure counts, in Dutch, with
 * the norm's thresholds filled in. In: the report (its norm). Out: the <section> as HTML.
 */
import { escapeMarkup as esc } from './charts.ts';
import { DASH, plainNumber } from './format-nl.ts';
import type { GemeenteReport } from '../model.ts';

export function appendixSection(report: GemeenteReport): string {
  const short = plainNumber(report.norm.shortAbandonBelowSeconds);
  const sl = plainNumber(report.norm.serviceLevelWithinSeconds);
  const items: readonly (readonly [string, string])[] = [
    [
      'Aangeboden',
      `Gesprekken die binnen de openingstijden van een wachtrij binnenkwamen, min de kort opgehangen gesprekken. ` +
        `Een doorverbonden gesprek telt in elke wachtrij die het bereikte, in de maand waarin het die wachtrij binnenkwam.`,
    ],
    [
      'Kort opgehangen',
      `Gesprekken die de beller ophing na minder dan ${short} s wachten; deze tellen niet als aangeboden.`,
    ],
    ['Bereikbaarheid', 'Beantwoorde gesprekken gedeeld door aangeboden gesprekken.'],
    [
      'Servicelevel',
      `Gesprekken die binnen ${sl} s (tot en met ${sl} s) werden beantwoord, gedeeld door aangeboden gesprekken (niet door beantwoorde).`,
    ],
    ['ASA', 'De gemiddelde wachttijd van beantwoorde gesprekken, in seconden.'],
    [
      'Eerstelijnsafhandeling KCC',
      'Door het KCC beantwoorde gesprekken die niet werden doorverbonden, gedeeld door de door het KCC beantwoorde gesprekken.',
    ],
    [
      'Bereikbaarheid van begin tot eind',
      'Gesprekken waarvan de laatst aangeboden wachtrij het gesprek beantwoordde, gedeeld door alle gesprekken met ten minste één aangeboden wachtrij; ' +
        'geteld in de maand waarin het gesprek voor het eerst werd aangeboden.',
    ],
    [
      'Herhaalbellers',
      'Gesprekken van een beller die in de 168 uur (7 dagen) ervoor al naar de gemeente belde (precies 168 uur telt mee), ' +
        'gedeeld door alle gesprekken. Anonieme nummers tellen in geen van beide mee. Lager is beter.',
    ],
    ['Tevredenheid', 'Antwoorden met score 4 of 5 (op een schaal van 1 tot 5) gedeeld door alle antwoorden.'],
    [
      'Terugbelverzoeken op tijd',
      'Een terugbelverzoek moet zijn afgerond vóór het eind (24:00) van de 2e werkdag na de dag van het verzoek; ' +
        'precies op dat moment is te laat. Het telt in de maand waarin die termijn valt. Openstaande verzoeken waarvan de ' +
        'termijn nog niet voorbij is, blijven buiten de berekening tot hun termijn verstreken is.',
    ],
    [
      'Werkdag',
      'Maandag tot en met vrijdag, behalve de feestdagen van de Cao Gemeenten (Nieuwjaarsdag, Tweede Paasdag, Koningsdag, ' +
        'Bevrijdingsdag, Hemelvaartsdag, Tweede Pinksterdag, Eerste en Tweede Kerstdag) en de sluitingsdagen van de gemeente.',
    ],
    [
      'Norm',
      `Deze cijfers zijn berekend met norm <code>${esc(report.norm.id)}</code>: kort opgehangen onder ${short} s, ` +
        `servicelevel binnen ${sl} s.`,
    ],
    [
      'Geen waarde (–)',
      `Een percentage waarbij niets is om door te delen (bijvoorbeeld een maand zonder aangeboden gesprekken) wordt getoond als ${DASH}, nooit als 0% of 100%.`,
    ],
    [
      'Tijd en afronding',
      'Maanden en jaren in Nederlandse tijd. Percentages zijn aantallen gedeeld door aantallen (nooit gemiddelden van ' +
        'percentages), afgerond op één decimaal.',
    ],
  ];
  const list = items.map(([term, text]) => `<dt>${term}</dt>\n<dd>${text}</dd>`).join('\n');
  return `<h2>Bijlage: Definities en norm</h2>\n<dl class="definitions">\n${list}\n</dl>`;
}
