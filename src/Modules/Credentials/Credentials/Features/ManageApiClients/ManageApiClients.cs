using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.RegularExpressions;
using Marten;
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

namespace VssId.Modules.Credentials.Features.ManageApiClients;

public sealed record CreateApiClientRequest
{
    [Required, MaxLength(100)] public string? Name { get; init; }
    [Required] public IReadOnlyList<string>? Scopes { get; init; }
    /// <summary>The school a <c>school:enroll</c> client enrols for.</summary>
    [RegularExpression(ApiClientHandlers.SchoolCodePattern)] public string? SchoolCode { get; init; }
    /// <summary>The office that receives a school's enrolments.</summary>
    [MaxLength(16)] public string? OfficeCode { get; init; }
}

/// <summary>The new client; <see cref="ClientSecret"/> is shown this once (only its hash is kept).</summary>
public sealed record CreatedApiClient(string ClientId, string ClientSecret);

public sealed record ApiClientSummary(string ClientId, string Name, IReadOnlyList<string> Scopes, string? SchoolCode, string? OfficeCode,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record ApiClientPage(IReadOnlyList<ApiClientSummary> Items, string? NextCursor);

public sealed record CreateApiClient(CreateApiClientRequest Request, string CreatedBy) : ICommand<CreatedApiClient>;
public sealed record ListApiClients(int? Limit, string? Cursor) : IQuery<ApiClientPage>;
public sealed record RevokeApiClient(string ClientId, string By) : ICommand;

/// <summary>
/// API clients of partners and school portals: created with a secret shown once, listed, revoked (their
/// tokens are refused at the next request).
/// </summary>
public sealed partial class ApiClientHandlers(IDocumentSession session, PrincipalStamps stamps, IOfficeCatalog offices, AuditTrail audit, TimeProvider time)
    : ICommandHandler<CreateApiClient, CreatedApiClient>, IQueryHandler<ListApiClients, ApiClientPage>, ICommandHandler<RevokeApiClient>
{
    public const string SchoolCodePattern = "^[A-Z0-9-]{3,32}$";

    [GeneratedRegex(SchoolCodePattern)]
    private static partial Regex SchoolCode();

    public async ValueTask<CreatedApiClient> Handle(CreateApiClient command, CancellationToken cancellationToken)
    {
        var request = command.Request;
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var name = errors.Require("name", request.Name?.Trim().Normalize(NormalizationForm.FormC) is { Length: > 0 and <= 100 } n ? n : null, CredentialsProblems.NameInvalid);
        var scopes = errors.Require("scopes", request.Scopes is { Count: > 0 } s && s.All(Scopes.All.Contains) ? s.Distinct().ToList() : null, CredentialsProblems.ScopesInvalid);
        string? school = null, office = null;
        if (scopes?.Contains(Scopes.SchoolEnroll) == true)
        {
            school = errors.Require("schoolCode", request.SchoolCode is { } sc && SchoolCode().IsMatch(sc) ? sc : null, CredentialsProblems.SchoolRequired);
            office = errors.Require("officeCode", request.OfficeCode is { } oc && offices.FindActive(oc, VietnamTime.DateOf(now)) is { } found ? found.Code : null,
                CredentialsProblems.SchoolRequired);
        }
        errors.ThrowIfAny();
        var secret = ApiClient.NewSecret();
        var client = new ApiClient
        {
            Id = ApiClient.NewId(), Name = name!, SecretHash = ApiClient.HashSecret(secret), Scopes = scopes!, SchoolCode = school, OfficeCode = office,
            CreatedBy = command.CreatedBy, CreatedAt = now,
        };
        session.Insert(client);
        await session.SaveChangesAsync(cancellationToken);
        await audit.Record(new AuditEntry(command.CreatedBy, AuditActions.ClientCreated, client.Id, true, null, null,
            $"{client.Name}: {string.Join(' ', client.Scopes)}{(school is null ? "" : " " + school)}"), cancellationToken);
        return new CreatedApiClient(client.Id, secret);
    }

    public async ValueTask<ApiClientPage> Handle(ListApiClients query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit ?? 50, 1, 100);
        var offset = Cursor.Read(query.Cursor);
        var page = await session.Query<ApiClient>().OrderBy(c => c.CreatedAt).Skip(offset).Take(limit + 1).ToListAsync(cancellationToken);
        return new ApiClientPage(
            page.Take(limit).Select(c => new ApiClientSummary(c.Id, c.Name, c.Scopes, c.SchoolCode, c.OfficeCode, c.CreatedAt, c.RevokedAt)).ToList(),
            page.Count > limit ? Cursor.Write(offset + limit) : null);
    }

    public async ValueTask<Mediator.Unit> Handle(RevokeApiClient command, CancellationToken cancellationToken)
    {
        var client = command.ClientId.Length <= 64 ? await session.LoadAsync<ApiClient>(command.ClientId, cancellationToken) : null;
        if (client is null)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        if (!client.Revoked)
        {
            session.Store(client with { RevokedAt = time.GetUtcNow() });
            PrincipalStamps.Announce(session, client.Id);
            await session.SaveChangesAsync(cancellationToken);
            stamps.Forget(client.Id);
            await audit.Record(new AuditEntry(command.By, AuditActions.ClientRevoked, client.Id, true, null, null, null), cancellationToken);
        }
        return Mediator.Unit.Value;
    }
}

internal sealed class ApiClientEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/admin/clients", async (CreateApiClientRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                var created = await sender.Send(new CreateApiClient(request, http.Actor()), ct);
                return TypedResults.Created($"/api/v1/admin/clients/{created.ClientId}", created);
            })
            .WithName("CreateApiClient")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Tạo ứng dụng tích hợp · Create an API client")
            .WithDescription("Phạm vi `school:enroll` (cần `schoolCode` và `officeCode` nhận hồ sơ) hoặc `partner`. `clientSecret` chỉ hiển thị một lần.")
            .WithRequestExample(new CreateApiClientRequest { Name = "Trường THCS Minh Khai", Scopes = [Scopes.SchoolEnroll], SchoolCode = "HN-THCS-001", OfficeCode = "00131" })
            .WithResponseExample(StatusCodes.Status201Created, new CreatedApiClient("vssid_3f9a1c2b7d4e8f60", "r4Q8v1m-2XkZ9sT0yPq3LwN7bC5dE6fG8hJ1kM2nO4p"))
            .ProducesProblems(CommonProblems.Validation);

        group.MapGet("/admin/clients", async (int? limit, string? cursor, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ListApiClients(limit, cursor), ct)))
            .WithName("ListApiClients")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Danh sách ứng dụng tích hợp · API clients")
            .WithParameter("limit", "Số dòng mỗi trang (≤ 100) · Page size (≤ 100)", "50")
            .WithParameter("cursor", "`nextCursor` của trang trước · The previous page's `nextCursor`", "bzo1MA")
            .ProducesProblems(CommonProblems.Validation);

        group.MapDelete("/admin/clients/{clientId}", async (string clientId, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new RevokeApiClient(clientId, http.Actor()), ct);
                return TypedResults.NoContent();
            })
            .WithName("RevokeApiClient")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Thu hồi ứng dụng tích hợp · Revoke an API client")
            .WithDescription("Token của ứng dụng bị từ chối ngay ở yêu cầu kế tiếp.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound);
    }
}
