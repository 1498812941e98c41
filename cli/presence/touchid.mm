// Touch ID through LocalAuthentication, built on Apple platforms only (with ARC). The system
// shows its own dialog; this waits for the answer and turns it into an amr or a refusal.
#include "presence/touchid.hpp"

#include <fmt/format.h>

#import <Foundation/Foundation.h>
#import <LocalAuthentication/LocalAuthentication.h>

#include <dispatch/dispatch.h>

namespace redline::cli {

namespace {

std::string text_of(NSError *error)
{
    if (error == nil || error.localizedDescription == nil)
        return "no reason given";
    return error.localizedDescription.UTF8String;
}

} // namespace

std::vector<std::string> prove_by_touchid(const PresenceRequest &request, const Palette &)
{
    // Objective-C objects stay inside the pool; C++ exceptions are thrown only after it.
    bool available = false;
    bool confirmed = false;
    bool face = false;
    std::string reason;
    @autoreleasepool {
        LAContext *context = [[LAContext alloc] init];
        NSError *error = nil;
        available = [context canEvaluatePolicy:LAPolicyDeviceOwnerAuthenticationWithBiometrics error:&error];
        if (!available) {
            reason = text_of(error);
        } else {
            std::string purpose = "sign " + (request.purpose.empty() ? std::string("a redline token") : request.purpose);
            NSString *why = [NSString stringWithUTF8String:purpose.c_str()];
            __block BOOL success = NO;
            __block NSError *failure = nil;
            dispatch_semaphore_t done = dispatch_semaphore_create(0);
            [context evaluatePolicy:LAPolicyDeviceOwnerAuthenticationWithBiometrics
                    localizedReason:why
                              reply:^(BOOL ok, NSError *err) {
                                success = ok;
                                failure = err;
                                dispatch_semaphore_signal(done);
                              }];
            dispatch_semaphore_wait(done, DISPATCH_TIME_FOREVER);
            confirmed = success;
            if (!confirmed)
                reason = text_of(failure);
            face = context.biometryType == LABiometryTypeFaceID;
        }
    }
    if (!available)
        throw PresenceRefused(exit_method_unavailable,
                              fmt::format("Touch ID cannot be used here ({}): nothing was signed; enrol a finger in "
                                          "System Settings, or use --auth typed",
                                          reason));
    if (!confirmed)
        throw PresenceRefused(exit_not_confirmed,
                              fmt::format("Touch ID did not confirm you ({}): nothing was signed", reason));
    return {face ? "face" : "fpt"};
}

} // namespace redline::cli
