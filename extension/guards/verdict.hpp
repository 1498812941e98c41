// What a guard answers, and what the hook layer acts on: allow; allow, but run the
// statement past PostgreSQL's read-only check (the session's temporary objects) or unlocked
// (redline's own extension script); or refuse, with the refusal to raise. Guards never raise
// and never call the audit: the hook raises the refusal and tells the audit.
#pragma once

#include "refusal_pg.hpp"

namespace redline {

struct [[nodiscard]] Verdict {
    enum class Kind : uint8 { allow, run_lifted, run_bootstrap, refuse };
    Kind kind;
    PgRefusal *refusal; // kind == refuse

    static Verdict allow() { return Verdict{Kind::allow, nullptr}; }
    static Verdict lifted() { return Verdict{Kind::run_lifted, nullptr}; }
    static Verdict bootstrap() { return Verdict{Kind::run_bootstrap, nullptr}; }
    static Verdict refuse(PgRefusal *refusal) { return Verdict{Kind::refuse, refusal}; }
    bool refused() const { return kind == Kind::refuse; }
};

} // namespace redline
