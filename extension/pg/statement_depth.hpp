// How deep the running statement is nested in the client's statement: 0 for the statement a
// client sent, more inside functions, DO blocks, triggers, EXECUTE, EXPLAIN ANALYZE and the
// subcommands of a utility statement. One counter for the whole extension, kept by the hooks
// for every session whatever it records, restored on error (statement_depth.cpp).
#pragma once

namespace redline {

extern int statement_depth;

// From _PG_init: the transaction callbacks that restore it after an error.
void install_statement_depth();

} // namespace redline
