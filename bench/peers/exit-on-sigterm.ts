// A peer ends normally on the harness's SIGTERM, so that node writes its CPU
// profile (BENCH_PROFILE=1) on the way out; without a handler SIGTERM kills it first.
process.once("SIGTERM", () => process.exit(0));
