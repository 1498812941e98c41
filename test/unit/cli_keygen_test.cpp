// Runs `redline keygen` as a user would, in a throwaway XDG_CONFIG_HOME: the secret key file
// is 0600 in a 0700 directory whatever the umask, the printed k4.public is the secret key's
// own public half, and an existing key is never overwritten.
#include "run_process.hpp"

#include <keys.hpp>
#include <paserk.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;
using redline::test::run_process;

class Keygen : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-keygen-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
        old_umask_ = ::umask(0);
    }
    void TearDown() override
    {
        ::umask(old_umask_);
        ::unsetenv("XDG_CONFIG_HOME");
        fs::remove_all(home_);
    }
    fs::path keys() const { return home_ / "config" / "redline" / "keys"; }
    static unsigned mode_of(const fs::path &p)
    {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
        return st.st_mode & 07777;
    }
    static std::string first_line(const fs::path &p)
    {
        std::ifstream in(p);
        std::string line;
        std::getline(in, line);
        return line;
    }

    fs::path home_;
    mode_t old_umask_ = 022;
};

TEST_F(Keygen, WritesAPrivateSecretKeyAndPrintsItsPublicHalf)
{
    auto r = run_process({REDLINE_BINARY, "keygen", "--label", "laptop"});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // stdout is exactly the k4.public, for scripts.
    ASSERT_EQ(r.out.rfind("k4.public.", 0), 0u) << r.out;
    std::string printed = r.out.substr(0, r.out.size() - 1);
    EXPECT_EQ(r.out.back(), '\n');
    auto public_key = redline::token::parse_paserk_public(printed);
    ASSERT_TRUE(public_key.has_value());

    EXPECT_EQ(mode_of(keys()), 0700u);
    EXPECT_EQ(mode_of(home_ / "config" / "redline"), 0700u);
    EXPECT_EQ(mode_of(keys() / "laptop.k4.secret"), 0600u);
    EXPECT_EQ(mode_of(keys() / "laptop.k4.public"), 0644u);

    auto secret = redline::token::parse_paserk_secret(first_line(keys() / "laptop.k4.secret"));
    ASSERT_TRUE(secret.has_value());
    EXPECT_TRUE(redline::token::secret_key_consistent(*secret));
    EXPECT_EQ(redline::token::public_half(*secret), *public_key);
    EXPECT_EQ(first_line(keys() / "laptop.k4.public"), printed);

    // stderr tells the person the key id and the exact enroll statement, never the secret.
    auto key_id = redline::token::paserk_pid(*public_key);
    ASSERT_TRUE(key_id.has_value());
    EXPECT_NE(r.err.find(*key_id), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("SELECT redline.enroll_key('<your role>', '" + printed + "', 'laptop');"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("k4.secret."), std::string::npos) << r.err;
}

TEST_F(Keygen, NeverOverwritesAnExistingKey)
{
    ASSERT_EQ(run_process({REDLINE_BINARY, "keygen", "--label", "phone"}).exit_code, 0);
    std::string before = first_line(keys() / "phone.k4.secret");
    auto again = run_process({REDLINE_BINARY, "keygen", "--label", "phone"});
    EXPECT_NE(again.exit_code, 0);
    EXPECT_EQ(again.out, "");
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
    EXPECT_EQ(std::count(again.err.begin(), again.err.end(), '\n'), 1) << again.err;
    EXPECT_EQ(first_line(keys() / "phone.k4.secret"), before);
}

TEST_F(Keygen, TightensALooseKeysDirectory)
{
    fs::create_directories(keys());
    ::chmod(keys().c_str(), 0777);
    ASSERT_EQ(run_process({REDLINE_BINARY, "keygen", "--label", "desk"}).exit_code, 0);
    EXPECT_EQ(mode_of(keys()), 0700u);
}

TEST_F(Keygen, RefusesALabelThatIsNotAFileName)
{
    for (const char *label : {"../escape", ".hidden", "with space", ""}) {
        auto r = run_process({REDLINE_BINARY, "keygen", "--label", label});
        EXPECT_NE(r.exit_code, 0) << label;
        EXPECT_EQ(r.out, "") << label;
    }
    EXPECT_FALSE(fs::exists(home_ / "escape.k4.secret"));
}

TEST_F(Keygen, DefaultLabelIsAValidFileName)
{
    auto r = run_process({REDLINE_BINARY, "keygen"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    int secrets = 0;
    for (const auto &entry : fs::directory_iterator(keys()))
        if (entry.path().extension() == ".secret")
            ++secrets;
    EXPECT_EQ(secrets, 1);
}

} // namespace
