// The one place where C++ exceptions and PostgreSQL errors (longjmp) meet.
// cpp_entry() runs C++ from a PostgreSQL callback; pg_call() runs PostgreSQL from C++.
#pragma once

#include <exception>
#include <new>
#include <type_traits>
#include <utility>

extern "C" {
#include "postgres.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}

namespace redline {

// A PostgreSQL error caught by pg_call(), carried through C++ frames so that their
// destructors run, and raised again by cpp_entry(). Never swallow one: the backend
// is only consistent again once the error has been re-raised and the transaction aborted.
class pg_error final : public std::exception {
public:
    explicit pg_error(ErrorData *data) noexcept : data_(data) {}
    const char *what() const noexcept override
    {
        return data_ != nullptr && data_->message != nullptr ? data_->message : "PostgreSQL error";
    }
    ErrorData *data() const noexcept { return data_; }
    int sqlerrcode() const noexcept { return data_ != nullptr ? data_->sqlerrcode : 0; }

private:
    ErrorData *data_;
};

namespace detail {
// Raise what a C++ region left behind. Called only after every catch block has ended,
// so no exception object or C++ local is alive when it longjmps.
[[noreturn]] void raise_caught(ErrorData *pg, bool out_of_memory, const char *what);
} // namespace detail

// Run f, a C++ region, from a frame PostgreSQL called. Any exception becomes an ERROR:
// a pg_error is re-raised with its own SQLSTATE, anything else as RL000.
template <typename F>
auto cpp_entry(F &&f) -> decltype(f())
{
    ErrorData *pg = nullptr;
    bool oom = false;
    char what[256];
    what[0] = '\0';
    try {
        return std::forward<F>(f)();
    } catch (const pg_error &e) {
        pg = e.data();
    } catch (const std::bad_alloc &) {
        oom = true;
    } catch (const std::exception &e) {
        strlcpy(what, e.what(), sizeof what);
    } catch (...) {
        strlcpy(what, "unknown C++ exception", sizeof what);
    }
    detail::raise_caught(pg, oom, what);
}

// Call PostgreSQL code that may ereport(ERROR) from inside a C++ region. The error is
// caught where it is raised, PostgreSQL's error state and memory context are restored,
// and it continues as a pg_error exception so C++ destructors on the way out run.
// f must be a plain call into PostgreSQL: it must not own C++ objects itself.
template <typename F>
auto pg_call(F &&f) -> decltype(f())
{
    using R = decltype(f());
    static_assert(std::is_void_v<R> || std::is_scalar_v<R>, "pg_call returns plain values only");
    MemoryContext caller_cxt = CurrentMemoryContext;
    ErrorData *volatile caught = nullptr;
    if constexpr (std::is_void_v<R>) {
        PG_TRY();
        {
            f();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_cxt);
            caught = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (caught != nullptr)
            throw pg_error(caught);
    } else {
        volatile R result{};
        PG_TRY();
        {
            result = f();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_cxt);
            caught = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (caught != nullptr)
            throw pg_error(caught);
        return result;
    }
}

} // namespace redline
