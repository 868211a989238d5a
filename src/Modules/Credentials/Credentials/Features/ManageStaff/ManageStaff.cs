using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Marten;
using Marten.Exceptions;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Security;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Credentials.Features.ManageStaff;

public sealed record CreateStaffUserRequest
{
    [Required, RegularExpression(StaffUserNames.Pattern)] public string? UserName { get; init; }
    [Required, MaxLength(100)] public string? FullName { get; init; }
    [Required, AllowedValues(Roles.Officer, Roles.Admin)] public string? Role { get; init; }
    /// <summary>The office an officer works for (none for an admin).</summary>
    [MaxLength(16)] public string? OfficeCode { get; init; }
}

/// <summary>The new staff user; <see cref="InitialPassword"/> is shown this once and must be changed at first login.</summary>
public sealed record CreatedStaffUser(Guid Id, string UserName, string InitialPassword);

public sealed record StaffUser(Guid Id, string UserName, string? FullName, [property: AllowedValues(Roles.Officer, Roles.Admin)] string Role, string? OfficeCode,
    [property: AllowedValues("PendingFirstLogin", "Active", "Locked", "Closed")] string Status, DateTimeOffset CreatedAt);

public sealed record StaffUserPage(IReadOnlyList<StaffUser> Items, string? NextCursor);

/// <summary>Creates a staff user; <paramref name="InitialPassword"/> only for the development admin (null: a random one-time password).</summary>
public sealed record CreateStaffUser(CreateStaffUserRequest Request, string CreatedBy, string? InitialPassword = null) : ICommand<CreatedStaffUser>;

public sealed record ListStaffUsers(string? OfficeCode, int? Limit, string? Cursor) : IQuery<StaffUserPage>;

public sealed record DisableStaffUser(Guid Id, string By, string? BySubject) : ICommand;

/// <summary>Staff user names: a letter among them, so they never collide with a 10-digit mã số BHXH.</summary>
public static partial class StaffUserNames
{
    public const string Pattern = "^(?=.*[a-z])[a-z0-9._-]{3,32}$";

    [GeneratedRegex(Pattern)]
    public static partial Regex Valid();
}

/// <summary>
/// Staff users (officers bound to one office, administrators): created by an admin with a one-time
/// initial password, listed, disabled. Disabling closes the account: its tokens are refused at the next
/// request, not after they expire.
/// </summary>
public sealed class StaffHandlers(IDocumentSession session, PasswordHasher hasher, PrincipalStamps stamps, IOfficeCatalog offices, AuditTrail audit,
    TimeProvider time)
    : ICommandHandler<CreateStaffUser, CreatedStaffUser>, IQueryHandler<ListStaffUsers, StaffUserPage>, ICommandHandler<DisableStaffUser>
{
    public async ValueTask<CreatedStaffUser> Handle(CreateStaffUser command, CancellationToken cancellationToken)
    {
        var request = command.Request;
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var userName = errors.Require("userName", request.UserName?.Trim().ToLowerInvariant() is { } u && StaffUserNames.Valid().IsMatch(u) ? u : null,
            CredentialsProblems.UserNameInvalid);
        var fullName = errors.Require("fullName", request.FullName?.Trim().Normalize(NormalizationForm.FormC) is { Length: > 0 and <= 100 } f ? f : null,
            CredentialsProblems.NameInvalid);
        var role = errors.Require("role", request.Role is Roles.Officer or Roles.Admin ? request.Role : null, CredentialsProblems.RoleInvalid);
        string? office = null;
        if (role == Roles.Officer)
        {
            office = errors.Require("officeCode", request.OfficeCode is { } code && offices.FindActive(code, VietnamTime.DateOf(now)) is { } found ? found.Code : null,
                CredentialsProblems.OfficeRequired);
        }
        else if (role == Roles.Admin && !string.IsNullOrEmpty(request.OfficeCode))
        {
            errors.Add("officeCode", CredentialsProblems.OfficeNotAllowed);
        }
        errors.ThrowIfAny();
        var password = command.InitialPassword ?? OneTimePassword.NewRandom();
        var id = Account.IdFor(userName!);
        session.Events.StartStream<Account>(id, new StaffUserCreated(id, userName!, fullName!, role!, office, await hasher.HashAsync(password, cancellationToken),
            MustChangePassword: command.InitialPassword is null, command.CreatedBy, now));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ExistingStreamIdCollisionException)
        {
            throw new ProblemException(CredentialsProblems.UserNameTaken);
        }
        await audit.Record(new AuditEntry(command.CreatedBy, AuditActions.StaffCreated, userName, true, null, null, office is null ? role : $"{role} {office}"), cancellationToken);
        return new CreatedStaffUser(id, userName!, password);
    }

    public async ValueTask<StaffUserPage> Handle(ListStaffUsers query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit ?? 50, 1, 100);
        var offset = Cursor.Read(query.Cursor);
        var staff = session.Query<Account>().Where(a => a.Role != Roles.Citizen);
        if (!string.IsNullOrEmpty(query.OfficeCode))
        {
            staff = staff.Where(a => a.OfficeCode == query.OfficeCode);
        }
        var page = await staff.OrderBy(a => a.UserName).Skip(offset).Take(limit + 1).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return new StaffUserPage(
            page.Take(limit).Select(a => new StaffUser(a.Id, a.UserName, a.FullName, a.Role, a.OfficeCode, a.StatusAt(now).ToString(), a.OpenedAt)).ToList(),
            page.Count > limit ? Cursor.Write(offset + limit) : null);
    }

    public async ValueTask<Mediator.Unit> Handle(DisableStaffUser command, CancellationToken cancellationToken)
    {
        var account = await session.LoadAsync<Account>(command.Id, cancellationToken);
        if (account is null || account.Role == Roles.Citizen)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        // The last administrator could otherwise lock everyone out.
        if (command.BySubject == account.Id.ToString())
        {
            throw new ProblemException(CredentialsProblems.CannotDisableSelf);
        }
        if (!account.Closed)
        {
            session.Events.Append(account.Id, new AccountClosed(command.By, time.GetUtcNow()));
            PrincipalStamps.Announce(session, account.Id.ToString());
            await session.SaveChangesAsync(cancellationToken);
            stamps.Forget(account.Id.ToString());
            await audit.Record(new AuditEntry(command.By, AuditActions.StaffDisabled, account.UserName, true, null, null, null), cancellationToken);
        }
        return Mediator.Unit.Value;
    }
}

internal sealed class StaffEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/admin/staff", async (CreateStaffUserRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                var created = await sender.Send(new CreateStaffUser(request, http.Actor()), ct);
                return TypedResults.Created($"/api/v1/admin/staff/{created.Id}", created);
            })
            .WithName("CreateStaffUser")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Tạo tài khoản cán bộ · Create a staff user")
            .WithDescription("`initialPassword` chỉ hiển thị một lần, hiệu lực 7 ngày, phải đổi ở lần đăng nhập đầu. Tên đăng nhập có ít nhất một chữ cái.")
            .WithRequestExample(new CreateStaffUserRequest { UserName = "lan.tran", FullName = "Trần Thị Lan", Role = Roles.Officer, OfficeCode = "00131" })
            .WithResponseExample(StatusCodes.Status201Created, new CreatedStaffUser(Guid.Parse("6f1c2a9e-3b7d-4c55-9a0e-2d8f4b6c1a37"), "lan.tran", "k7m2p9x4ab"))
            .ProducesProblems(CommonProblems.Validation, CredentialsProblems.UserNameTaken);

        group.MapGet("/admin/staff", async (string? officeCode, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ListStaffUsers(officeCode, limit, cursor), ct)))
            .WithName("ListStaffUsers")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Danh sách cán bộ · Staff users")
            .WithParameter("officeCode", "Chỉ cán bộ của cơ quan này · Only this office's officers", "00131")
            .WithParameter("limit", "Số dòng mỗi trang (≤ 100) · Page size (≤ 100)", "50")
            .WithParameter("cursor", "`nextCursor` của trang trước · The previous page's `nextCursor`", "bzo1MA")
            .ProducesProblems(CommonProblems.Validation);

        group.MapPost("/admin/staff/{id:guid}/disable", async (Guid id, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new DisableStaffUser(id, http.Actor(), http.User.Subject()), ct);
                return TypedResults.NoContent();
            })
            .WithName("DisableStaffUser")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Vô hiệu hóa cán bộ · Disable a staff user")
            .WithDescription("Mọi token của người này bị từ chối ngay ở yêu cầu kế tiếp.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, CredentialsProblems.CannotDisableSelf);
    }
}
