using Microsoft.AspNetCore.DataProtection;
using OtpNet;
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// SmartOTP: RFC 6238 TOTP (Otp.NET; SHA-1, 6 digits, 30 s — what every authenticator app reads from an
/// <c>otpauth://</c> URI). The secret is kept encrypted with Data Protection; a code is accepted one step
/// either side (clock drift) and never twice.
/// </summary>
public sealed class SmartOtp(IDataProtectionProvider protection)
{
    private const string Purpose = "VssId.Credentials.SmartOtpSecret";

    public (string ProtectedSecret, string Secret) NewSecret()
    {
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        return (protection.CreateProtector(Purpose).Protect(secret), secret);
    }

    public static string UriFor(string secret, string userName) =>
        $"otpauth://totp/VssID:{Uri.EscapeDataString(userName)}?secret={secret}&issuer=VssID&algorithm=SHA1&digits=6&period=30";

    /// <summary>The time step of a valid, unspent <paramref name="code"/> for <paramref name="protectedSecret"/>, or null.</summary>
    public long? Verify(string protectedSecret, string? code, long lastStep)
    {
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return null;
        }
        var secret = Base32Encoding.ToBytes(protection.CreateProtector(Purpose).Unprotect(protectedSecret));
        return new Totp(secret).VerifyTotp(code, out var step, new VerificationWindow(previous: 1, future: 1)) && step > lastStep ? step : null;
    }

    /// <summary>Checks a code against the account's enabled secret.</summary>
    public long? Verify(Account account, string? code) =>
        account.SmartOtpSecret is { } secret ? Verify(secret, code, account.SmartOtpLastStep) : null;
}
