// Included last by every file of core/: the build fails if a PostgreSQL header came in
// before it, so the rules stay testable without a server and free of longjmp.
#pragma once

#if defined(POSTGRES_H) || defined(PG_VERSION_NUM) || defined(FMGR_H)
#error "a core/ file included a PostgreSQL header; only pg/ and the layers above it may"
#endif
