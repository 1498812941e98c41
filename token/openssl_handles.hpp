// Owning handles for the OpenSSL objects the token code uses, and a scope that keeps the
// thread's OpenSSL error queue as it found it. Private to token/.
#pragma once

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>

namespace redline::token::detail {

struct PkeyFree {
    void operator()(EVP_PKEY *key) const noexcept { EVP_PKEY_free(key); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX *ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX *ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// A failed verification leaves entries on the error queue. Inside a database server the
// same thread later runs TLS, whose error reporting reads that queue, so every operation
// removes what it added, and only that.
class ErrorQueueScope {
public:
    ErrorQueueScope() noexcept { ERR_set_mark(); }
    ~ErrorQueueScope() { ERR_pop_to_mark(); }
    ErrorQueueScope(const ErrorQueueScope &) = delete;
    ErrorQueueScope &operator=(const ErrorQueueScope &) = delete;
};

} // namespace redline::token::detail
