// What a PAM service proves, read from real service files in a directory of the test's own:
// the module table, the rule for stacks that offer a choice, and libpam's file syntax
// (comments, continued lines, brackets, includes).
#include "presence/pam_service.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using redline::cli::amr_for_pam_stack;
using redline::cli::is_registered_amr;
using redline::cli::pam_service_directories;
using redline::cli::pam_service_file;
using redline::cli::read_pam_auth_stack;
using Methods = std::vector<std::string>;

class PamService : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-pam-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string &name, const std::string &text) const { std::ofstream(dir_ / name) << text; }

    // What a token records for service `name` after writing `text` as its file.
    Methods amr(const std::string &text, const std::string &name = "redline") const
    {
        write(name, text);
        auto file = pam_service_file({dir_}, name);
        EXPECT_TRUE(file.has_value());
        return amr_for_pam_stack(read_pam_auth_stack({dir_}, *file));
    }
    std::string read_error(const std::string &name) const
    {
        try {
            read_pam_auth_stack({dir_}, dir_ / name);
        } catch (const std::runtime_error &e) {
            return e.what();
        }
        return "";
    }

    fs::path dir_;
};

TEST_F(PamService, FingerprintReaderIsFpt)
{
    EXPECT_EQ(amr("auth required pam_fprintd.so\naccount required pam_permit.so\n"), Methods{"fpt"});
    EXPECT_EQ(amr("auth required /usr/lib/x86_64-linux-gnu/security/pam_fprintd.so max-tries=2 timeout=10\n"),
              Methods{"fpt"});
}

TEST_F(PamService, SecurityKeyIsHardwareKeyWithUserPresence)
{
    EXPECT_EQ(amr("auth required pam_u2f.so cue\n"), (Methods{"hwk", "user"}));
    EXPECT_EQ(amr("auth required pam_u2f.so userpresence=0\n"), Methods{"hwk"});
    EXPECT_EQ(amr("auth required pam_u2f.so cue pinverification=1\n"), (Methods{"hwk", "user", "pin"}));
}

TEST_F(PamService, HowdyIsFace)
{
    EXPECT_EQ(amr("auth required pam_python.so /lib/security/howdy/pam.py\n"), Methods{"face"});
    EXPECT_EQ(amr("auth required pam_howdy.so\n"), Methods{"face"});
    // pam_python running something else proves nothing redline knows of: the default.
    EXPECT_EQ(amr("auth required pam_python.so /lib/security/other.py\n"), Methods{"fpt"});
}

TEST_F(PamService, PasswordsAndCodesAreNamedAsSuch)
{
    EXPECT_EQ(amr("auth required pam_unix.so\n"), Methods{"pwd"});
    EXPECT_EQ(amr("auth required pam_sss.so\n"), Methods{"pwd"});
    EXPECT_EQ(amr("auth required pam_google_authenticator.so\n"), Methods{"otp"});
}

TEST_F(PamService, UnknownModulesRecordTheDefaultFpt)
{
    EXPECT_EQ(amr("auth required pam_permit.so\n"), Methods{"fpt"});
    EXPECT_EQ(amr("auth required pam_exec.so /usr/local/bin/check\n"), Methods{"fpt"});
    EXPECT_EQ(amr("# nothing but a comment\n"), Methods{"fpt"});
}

TEST_F(PamService, EveryRequiredModuleIsRecorded)
{
    EXPECT_EQ(amr("auth required pam_fprintd.so\nauth requisite pam_u2f.so\n"), (Methods{"fpt", "hwk", "user"}));
    // Modules that prove nothing (pam_env, pam_permit) neither add nor take away.
    EXPECT_EQ(amr("auth required pam_env.so\nauth required pam_unix.so\nauth required pam_fprintd.so\n"
                  "auth optional pam_permit.so\n"),
              (Methods{"pwd", "fpt"}));
}

TEST_F(PamService, AChoiceRecordsTheWeakestWayThrough)
{
    // Fingerprint, or the password when the reader gives up: the token may not say fpt.
    EXPECT_EQ(amr("auth sufficient pam_fprintd.so\nauth required pam_unix.so\n"), Methods{"pwd"});
    // Debian's common-auth style jump.
    EXPECT_EQ(amr("auth [success=2 default=ignore] pam_fprintd.so max-tries=1\n"
                  "auth [success=1 default=ignore] pam_unix.so nullok\n"
                  "auth requisite pam_deny.so\nauth required pam_permit.so\n"),
              Methods{"pwd"});
    // A key or a one-time code: the code.
    EXPECT_EQ(amr("auth sufficient pam_u2f.so\nauth sufficient pam_oath.so\nauth requisite pam_deny.so\n"),
              Methods{"otp"});
    // Two strong alternatives: the first of them.
    EXPECT_EQ(amr("auth sufficient pam_fprintd.so\nauth sufficient pam_u2f.so\nauth requisite pam_deny.so\n"),
              Methods{"fpt"});
    // A module that may be missing ("-auth") is skipped when it is, so it is never certain.
    EXPECT_EQ(amr("-auth required pam_fprintd.so\nauth required pam_unix.so\n"), Methods{"pwd"});
}

TEST_F(PamService, OnlyTheAuthStackCounts)
{
    EXPECT_EQ(amr("account required pam_unix.so\npassword required pam_unix.so\nsession required pam_unix.so\n"
                  "auth required pam_fprintd.so\n"),
              Methods{"fpt"});
    // The type is case-insensitive in libpam.
    EXPECT_EQ(amr("AUTH required pam_u2f.so\n"), (Methods{"hwk", "user"}));
}

TEST_F(PamService, IncludesAreFollowed)
{
    write("common-auth", "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\n"
                         "account required pam_unix.so\n");
    write("fingers", "auth required pam_fprintd.so\n");
    EXPECT_EQ(amr("@include common-auth\n"), Methods{"pwd"});
    EXPECT_EQ(amr("auth include fingers\n"), Methods{"fpt"});
    EXPECT_EQ(amr("auth substack fingers\naccount include common-auth\n"), Methods{"fpt"});
    EXPECT_EQ(amr("auth include " + (dir_ / "fingers").string() + "\n"), Methods{"fpt"});
}

TEST_F(PamService, CommentsContinuedLinesAndBrackets)
{
    EXPECT_EQ(amr("# auth required pam_unix.so\nauth required pam_fprintd.so # the reader\n"), Methods{"fpt"});
    EXPECT_EQ(amr("auth \\\n  required \\\n  pam_u2f.so cue\n"), (Methods{"hwk", "user"}));
    EXPECT_EQ(amr("auth [success=done new_authtok_reqd=done default=die] pam_u2f.so userpresence=0\n"), Methods{"hwk"});
    EXPECT_EQ(amr("auth required pam_u2f.so [authfile=/etc/u2f keys] userpresence=0\n"), Methods{"hwk"});
}

TEST_F(PamService, BrokenConfigurationsAreRefusedNamingTheFile)
{
    write("missing-include", "auth include nowhere\n");
    EXPECT_NE(read_error("missing-include").find("includes nowhere, which does not exist"), std::string::npos)
        << read_error("missing-include");
    write("loop", "@include loop\n");
    EXPECT_NE(read_error("loop").find("nests includes more than 16 deep"), std::string::npos) << read_error("loop");
    EXPECT_NE(read_error("absent").find("cannot read the PAM configuration " + (dir_ / "absent").string()),
              std::string::npos);
}

TEST_F(PamService, ServiceFilesAreFoundInOrderAndNeverOutside)
{
    fs::path second = dir_ / "vendor";
    fs::create_directory(second);
    std::ofstream(second / "redline") << "auth required pam_u2f.so\n";
    EXPECT_EQ(pam_service_file({dir_, second}, "redline"), second / "redline");
    write("redline", "auth required pam_fprintd.so\n");
    EXPECT_EQ(pam_service_file({dir_, second}, "redline"), dir_ / "redline");
    EXPECT_EQ(pam_service_file({dir_, second}, "absent"), std::nullopt);
    EXPECT_EQ(pam_service_file({second}, "../redline"), std::nullopt);
    EXPECT_EQ(pam_service_file({second}, ""), std::nullopt);
}

TEST(PamServiceDirectories, LibpamsOrderOrTheWrappersDirectory)
{
    ::unsetenv("PAM_WRAPPER");
    ::setenv("PAM_WRAPPER_SERVICE_DIR", "/tmp/elsewhere", 1);
    EXPECT_EQ(pam_service_directories(), (std::vector<fs::path>{"/etc/pam.d", "/usr/lib/pam.d"}));
    ::setenv("PAM_WRAPPER", "1", 1);
    EXPECT_EQ(pam_service_directories(), std::vector<fs::path>{"/tmp/elsewhere"});
    ::unsetenv("PAM_WRAPPER");
    ::unsetenv("PAM_WRAPPER_SERVICE_DIR");
}

TEST(RegisteredAmr, Rfc8176Values)
{
    for (const char *value : {"fpt", "face", "hwk", "user", "pin", "pwd", "otp", "swk", "iris", "sc"})
        EXPECT_TRUE(is_registered_amr(value)) << value;
    for (const char *value : {"", "FPT", "finger", "hwk,user", "password"})
        EXPECT_FALSE(is_registered_amr(value)) << value;
}

} // namespace
