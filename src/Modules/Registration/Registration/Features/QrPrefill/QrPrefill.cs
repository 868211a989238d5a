using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Mediator;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;

namespace VssId.Modules.Registration.Features.QrPrefill;

public sealed record QrRequest([property: Required, MaxLength(2000)] string? Payload);

public sealed record PrefillFromCccdQr(string? Payload) : IQuery<CccdPrefill>;

public sealed record PrefillFromBhytQr(string? Payload) : IQuery<BhytPrefill>;

/// <summary>Pure parsing: nothing is stored or looked up, so the handlers only name the use cases.</summary>
public sealed class QrPrefillHandlers : IQueryHandler<PrefillFromCccdQr, CccdPrefill>, IQueryHandler<PrefillFromBhytQr, BhytPrefill>
{
    public ValueTask<CccdPrefill> Handle(PrefillFromCccdQr query, CancellationToken cancellationToken) => ValueTask.FromResult(QrParsers.ParseCccd(query.Payload));

    public ValueTask<BhytPrefill> Handle(PrefillFromBhytQr query, CancellationToken cancellationToken) => ValueTask.FromResult(QrParsers.ParseBhyt(query.Payload));
}

/// <summary>What a CCCD QR prefills; the address is text for the user to code against the catalog.</summary>
public sealed record CccdPrefill(
    [property: RegularExpression("^[0-9]{12}$")] string IdentityNumber,
    string? OldIdNumber,
    string FullName,
    DateOnly DateOfBirth,
    [property: AllowedValues(ContractFormats.Male, ContractFormats.Female)] string Gender,
    string Address,
    DateOnly? IssuedOn);

/// <summary>What a BHYT card QR prefills; <c>bhxhCode</c> is null for an old card whose code does not end in 10 digits.</summary>
public sealed record BhytPrefill(
    [property: RegularExpression(ContractFormats.BhxhCode)] string? BhxhCode,
    string CardCode,
    string FullName,
    DateOnly DateOfBirth,
    [property: AllowedValues(ContractFormats.Male, ContractFormats.Female)] string Gender,
    string? Address);

/// <summary>The QR parsers of formats.md. A payload that is neither gets 400 saying what was expected and what was wrong.</summary>
public static class QrParsers
{
    public static CccdPrefill ParseCccd(string? payload)
    {
        var fields = (payload ?? "").Trim().Split('|');
        // 7 fields, or 6 when the reader leaves out the old CMND number: never shift fields silently.
        if (fields.Length is not (6 or 7))
        {
            throw Invalid($"Mã QR CCCD có 6 hoặc 7 trường cách nhau bởi '|'; nhận được {fields.Length}.",
                $"A CCCD QR has 6 or 7 '|'-separated fields; got {fields.Length}.");
        }
        var offset = fields.Length == 7 ? 1 : 0;
        var number = fields[0].Trim();
        if (number.Length != 12 || !number.All(char.IsAsciiDigit))
        {
            throw Invalid("Trường 1 phải là số CCCD 12 chữ số.", "Field 1 must be a 12-digit CCCD number.");
        }
        var name = fields[1 + offset].Trim().Normalize(NormalizationForm.FormC);
        var birth = Date(fields[2 + offset], "ddMMyyyy", 3 + offset);
        var gender = fields[3 + offset].Trim().Normalize(NormalizationForm.FormC);
        if (gender is not ("Nam" or "Nữ"))
        {
            throw Invalid($"Trường {4 + offset} (giới tính) phải là Nam hoặc Nữ.", $"Field {4 + offset} (gender) must be Nam or Nữ.");
        }
        var issued = fields[5 + offset].Trim().Length == 0 ? (DateOnly?)null : Date(fields[5 + offset], "ddMMyyyy", 6 + offset);
        var oldId = offset == 1 && fields[1].Trim().Length > 0 ? fields[1].Trim() : null;
        return new CccdPrefill(number, oldId, name, birth, gender, fields[4 + offset].Trim().Normalize(NormalizationForm.FormC), issued);
    }

    public static BhytPrefill ParseBhyt(string? payload)
    {
        var text = (payload ?? "").Trim();
        if (!text.EndsWith('$'))
        {
            throw Invalid("Mã QR thẻ BHYT phải kết thúc bằng '$'.", "A BHYT QR payload ends with '$'.");
        }
        var fields = text.TrimEnd('$').Split('|');
        if (fields.Length < 10)
        {
            throw Invalid($"Mã QR thẻ BHYT có ít nhất 10 trường; nhận được {fields.Length}.", $"A BHYT QR has at least 10 fields; got {fields.Length}.");
        }
        var card = fields[0].Trim().ToUpperInvariant();
        if (card.Length is not (10 or 15))
        {
            throw Invalid("Trường 1 là mã thẻ 10 hoặc 15 ký tự.", "Field 1 is a 10- or 15-character card code.");
        }
        var bhxhCode = DeclarationInput.NormaliseBhxhCode(card);
        var name = Hex(fields[1], 2);
        var birth = Date(fields[2], "dd/MM/yyyy", 3);
        var gender = fields[3].Trim() switch
        {
            "1" => "Nam",
            "2" => "Nữ",
            _ => throw Invalid("Trường 4 (giới tính) phải là 1 (Nam) hoặc 2 (Nữ).", "Field 4 (gender) must be 1 (Nam) or 2 (Nữ)."),
        };
        var address = fields[4].Trim() is "-" or "" ? null : Hex(fields[4], 5);
        return new BhytPrefill(bhxhCode, card, name, birth, gender, address);
    }

    private static DateOnly Date(string value, string format, int field) =>
        DateOnly.TryParseExact(value.Trim(), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"Trường {field} phải là ngày dạng {format}.", $"Field {field} must be a date {format}.");

    private static string Hex(string value, int field)
    {
        try
        {
            var bytes = Convert.FromHexString(value.Trim());
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).Normalize(NormalizationForm.FormC).Trim();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Invalid($"Trường {field} phải là văn bản UTF-8 mã hóa hex.", $"Field {field} must be hex-encoded UTF-8 text.");
        }
    }

    private static ProblemException Invalid(string vi, string en) => new(RegistrationProblems.QrInvalid, new LocalizedText(vi, en));
}

internal sealed class QrPrefillEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/qr/cccd", async (QrRequest request, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new PrefillFromCccdQr(request.Payload), ct)))
            .WithName("PrefillFromCccdQr")
            .RequireRateLimiting(RateLimits.PublicPerAddress)
            .WithDescription("Mã QR mặt sau CCCD gắn chip: 7 trường (hoặc 6, không có số CMND cũ) cách nhau bởi `|`. Địa chỉ trả về dạng văn bản để người dùng tự chọn mã danh mục. "
                + "The chip CCCD's QR: 7 (or 6) `|`-separated fields; the address comes back as text for the user to code against the catalog.")
            .WithSummary("Điền sẵn từ mã QR trên CCCD · Prefill from a CCCD QR code")
            .Accepts<QrRequest>("application/json")
            .Produces<CccdPrefill>(StatusCodes.Status200OK)
            .ProducesProblems(RegistrationProblems.QrInvalid)
            .WithRequestExample(new QrRequest("079090001234|025123456|Nguyễn Văn An|15031990|Nam|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|20042021"))
            .WithResponseExample(StatusCodes.Status200OK, new CccdPrefill("079090001234", "025123456", "Nguyễn Văn An", new DateOnly(1990, 3, 15), "Nam",
                "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh", new DateOnly(2021, 4, 20)));

        group.MapPost("/qr/bhyt", async (QrRequest request, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new PrefillFromBhytQr(request.Payload), ct)))
            .WithName("PrefillFromBhytQr")
            .RequireRateLimiting(RateLimits.PublicPerAddress)
            .WithDescription("Mã QR thẻ BHYT: tên và địa chỉ mã hóa hex UTF-8, kết thúc bằng `$`. `bhxhCode` là null với thẻ cũ có mã không kết thúc bằng 10 chữ số. "
                + "The BHYT card QR: hex-encoded UTF-8 names, ends with `$`; `bhxhCode` is null for an old card whose code does not end in 10 digits.")
            .WithSummary("Điền sẵn từ mã QR trên thẻ BHYT · Prefill from a BHYT card QR code")
            .Accepts<QrRequest>("application/json")
            .Produces<BhytPrefill>(StatusCodes.Status200OK)
            .ProducesProblems(RegistrationProblems.QrInvalid)
            .WithRequestExample(new QrRequest("0111077012|4e677579e1bb856e205469e1babf6e20c490e1baa174|29/03/1988|1|-|01 - C54|01/07/2023|-|31/07/2023|01050111077012|-|4| 01/10/2027|4641c59ff02659c3-1202|4|5175e1baad6e2043e1baa775204769e1baa5792c205468c3a06e68207068e1bb912048c3a0204ee1bb9969|$"))
            .WithResponseExample(StatusCodes.Status200OK, new BhytPrefill("0111077012", "0111077012", "Nguyễn Tiến Đạt", new DateOnly(1988, 3, 29), "Nam", null));
    }
}
