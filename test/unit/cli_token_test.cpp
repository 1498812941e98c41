// Runs `redline token` as a user would, without a server: everything that can be refused
// before connecting is, with its documented exit code and one line on stderr. Minting
// against a running server is covered by the server's end-to-end tests.
#include "cli_home.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using redline::test::nowhere;
using redline::test::ProcessResult;

class TokenCommand : public redline::test::CliHome {
protected:
    void TearDown() override
    {
        ::unsetenv("PAM_WRAPPER");
        ::unsetenv("PAM_WRAPPER_SERVICE_DIR");
        CliHome::TearDown();
    }
};

TEST_F(TokenCommand, HelpDocumentsTheExitCodes)
{
    auto top = redline({"--help"});
    EXPECT_NE(top.out.find("  token "), std::string::npos) << top.out;
    auto r = redline({"token", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *words : {"Usage: redline token [OPTIONS] PROFILE", "--ttl", "--sql", "--auth", "--role",
                              "Exit status: 0 token printed; 1 error", "2 the auth method cannot run here",
                              "3 the server's environment is not the profile's", "4 the person check did not"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
}

TEST_F(TokenCommand, UnknownProfile)
{
    expect_refused(redline({"token", "nope"}), 1, "no profile \"nope\": see redline profile list");
}

#if !defined(__APPLE__)
TEST_F(TokenCommand, TouchIdIsOnlyOnMacOS)
{
    keygen();
    add_profile("dev", "development", "typed");
    // Refused before any connection: the profile's server does not exist.
    expect_refused(redline({"token", "dev", "--auth", "touchid"}), 2, "Touch ID is only available on macOS");
}
#endif

// libpam reads the wrapper's directory when PAM_WRAPPER=1, and so does redline: a service
// file of the test's own, without touching /etc/pam.d.
TEST_F(TokenCommand, PamServiceWithoutAFileIsRefusedBeforeConnecting)
{
    fs::path services = home_ / "pam.d";
    fs::create_directories(services);
    ::setenv("PAM_WRAPPER", "1", 1);
    ::setenv("PAM_WRAPPER_SERVICE_DIR", services.c_str(), 1);
    keygen();
    add_profile("stage", "staging", "pam");
    expect_refused(redline({"token", "stage"}), 2,
                   "PAM service \"redline\" is not configured: there is no " + (services / "redline").string());
    std::ofstream(services / "redline") << "auth include missing\n";
    expect_refused(redline({"token", "stage"}), 2, "includes missing, which does not exist");
    // Configured: the check passes, and the connection is what fails.
    std::ofstream(services / "redline") << "auth required pam_fprintd.so\n";
    expect_refused(redline({"token", "stage"}), 1, "cannot connect with profile \"stage\"");
}

TEST_F(TokenCommand, NoKeySaysToRunKeygen)
{
    add_profile("stage", "staging", "typed");
    expect_refused(redline({"token", "stage"}), 1, "create one with redline keygen");
}

TEST_F(TokenCommand, UnreachableServer)
{
    keygen();
    add_profile("stage", "staging", "none");
    expect_refused(redline({"token", "stage"}), 1, "cannot connect with profile \"stage\"");
}

TEST_F(TokenCommand, BadOptionsAreOneLine)
{
    add_profile("stage", "staging", "none");
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"token", "stage", "--ttl", "5s"},
             {"token", "stage", "--ttl", "25h"},
             {"token", "stage", "--ttl", "600"},
             {"token", "stage", "--auth", "retina"},
             {"token"},
         }) {
        auto r = redline(args);
        EXPECT_GE(r.exit_code, 100) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    EXPECT_NE(redline({"token", "stage", "--ttl", "5s"}).err.find("shorter than the shortest token lifetime, 10s"),
              std::string::npos);
}

} // namespace
