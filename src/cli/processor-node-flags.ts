/**
 * The Node (V8) options bereik's processor runs with, wherever it is started: the image's
 * entrypoint (deploy/Dockerfile, held to this list by its test), `npm start`, and the tests and
 * bench that start `bereik run`. They are options of Node itself, so they go on its command line;
 * set in the program they would come too late.
 *
 * Why: V8 sizes its young generation and lets the old one grow past what is live by a factor it
 * picks from how much memory it may use. On a machine with gigabytes free it picks up to four
 * times, so a processor with some 110 MiB live on the bench's default backlog stood at 690 MiB of
 * RSS, and at 860 MiB on a disordered one. Growth to 1.6 times what is live and 16 MiB
 * semi-spaces brought those to some 410 and 400 MiB, and a ten times denser backlog to under 500
 * MiB, for more garbage collection (docs/performance.md, twelfth and thirteenth pass). Unlike a
 * hard limit (`--max-old-space-size`) this bound moves with what is live, so a denser workload
 * costs memory rather than a crash.
 */
export const PROCESSOR_NODE_FLAGS: readonly string[] = [
  '--heap-growing-percent=60',
  '--max-semi-space-size=16',
];
