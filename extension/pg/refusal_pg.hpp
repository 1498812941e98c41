// Delivering a Refusal as a PostgreSQL ERROR. to_pg() copies the C++ texts into palloc'd
// memory inside a C++ region; raise_refusal() then ereports from a frame without C++ objects.
#pragma once

#include "refusal.hpp"

extern "C" {
#include "postgres.h"
}

namespace redline {

struct PgRefusal {
    int sqlerrcode;
    char *message;
    char *detail;
    char *hint;
};

// Call inside cpp_entry(): allocates in CurrentMemoryContext.
PgRefusal *to_pg(const Refusal &refusal);

[[noreturn]] void raise_refusal(const PgRefusal *refusal);

} // namespace redline
