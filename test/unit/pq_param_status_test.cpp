// Tests the pq_param_status helper's own contract without a server: usage and connection
// failures. Its output against a running server is exercised by the server tests.
#include "run_process.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using redline::test::run_process;

TEST(PqParamStatus, WithoutConninfoPrintsUsage)
{
    auto r = run_process({PQ_PARAM_STATUS_BINARY});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("usage:"), std::string::npos) << r.err;
}

TEST(PqParamStatus, ConnectionFailureExitsOneWithLibpqMessage)
{
    auto r = run_process({PQ_PARAM_STATUS_BINARY, "host=/nonexistent/redline-test port=1 connect_timeout=2"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("/nonexistent/redline-test"), std::string::npos) << r.err;
}

TEST(PqParamStatus, MalformedConninfoExitsOne)
{
    auto r = run_process({PQ_PARAM_STATUS_BINARY, "this is not a conninfo", "SELECT 1"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err, "");
}

} // namespace
