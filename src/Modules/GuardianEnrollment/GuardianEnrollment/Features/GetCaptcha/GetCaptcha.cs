using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Captcha;

namespace VssId.Modules.GuardianEnrollment.Features.GetCaptcha;

/// <summary>A captcha: its id (sent back with the answer) and the image, a base64 PNG.</summary>
public sealed record CaptchaResponse(Guid CaptchaId, string ImagePng, DateTimeOffset ExpiresAt);

public sealed record GetCaptcha(ClaimsPrincipal User) : ICommand<CaptchaResponse>;

/// <summary>Issues a captcha to the logged-in citizen ("mã kiểm tra"): recorded first, so the limit per account counts it.</summary>
internal sealed class GetCaptchaHandler(Captchas captchas, TimeProvider time) : ICommandHandler<GetCaptcha, CaptchaResponse>
{
    public async ValueTask<CaptchaResponse> Handle(GetCaptcha command, CancellationToken cancellationToken)
    {
        var (id, png) = await captchas.Issue(command.User.Subject(), cancellationToken);
        return new CaptchaResponse(id, Convert.ToBase64String(png), time.GetUtcNow() + Captchas.Lifetime);
    }
}

internal sealed class GetCaptchaEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/captcha", async (ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                return TypedResults.Ok(await sender.Send(new GetCaptcha(user), ct));
            })
            .WithName("GetCaptcha")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Lấy mã kiểm tra (captcha) · Get a captcha")
            .WithDescription("Ảnh PNG (base64) gồm 5 ký tự; gửi `captchaId` và ký tự đọc được (`captchaAnswer`, không phân biệt hoa thường) khi đăng ký cho trẻ. "
                + "Dùng một lần, hiệu lực 5 phút, gắn với tài khoản đã lấy. Giới hạn số lần lấy mỗi tài khoản (429 `captcha.rate_limited`). "
                + "Single use, 5 minutes, bound to the account that fetched it; limited per account.")
            .Produces<CaptchaResponse>(StatusCodes.Status200OK)
            .ProducesProblems(GuardianEnrollmentProblems.CaptchaRateLimited)
            .WithResponseExample(StatusCodes.Status200OK, new CaptchaResponse(Guid.Parse("0193a6b2-7c1e-7d2a-9f1b-3c4d5e6f7a8b"),
                "iVBORw0KGgoAAAANSUhEUgAAANwAAABQCAYAAAB…", new DateTimeOffset(2026, 12, 2, 8, 5, 0, TimeSpan.Zero)));
}

/// <summary>What the image of a captcha shows: lets scripts and tests enrol as a person reading it would (Development only).</summary>
public sealed record CaptchaAnswer(string Answer);

public sealed record GetCaptchaAnswer(Guid CaptchaId) : IQuery<CaptchaAnswer>;

internal sealed class GetCaptchaAnswerHandler(Captchas captchas) : IQueryHandler<GetCaptchaAnswer, CaptchaAnswer>
{
    public ValueTask<CaptchaAnswer> Handle(GetCaptchaAnswer query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new CaptchaAnswer(captchas.AnswerOf(query.CaptchaId)));
}

/// <summary>Like the development outbox, it gives away what a secret protects, so it is mapped only in Development.</summary>
internal sealed class GetCaptchaAnswerEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        if (!group.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return;
        }
        group.MapGet("dev/captcha/{captchaId:guid}", async (Guid captchaId, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetCaptchaAnswer(captchaId), ct)))
            .WithTags("Phát triển · Development")
            .WithName("GetCaptchaAnswer")
            .WithSummary("Đáp án mã kiểm tra (chỉ Development) · A captcha's answer (Development only)")
            .WithDescription("Chỉ có trong môi trường Development, như hộp thư phát triển: để script và kiểm thử hoàn tất đăng ký cho trẻ. "
                + "Development only, like the outbox: scripts and tests complete an enrolment as a person reading the image would.")
            .Produces<CaptchaAnswer>(StatusCodes.Status200OK)
            // An id that is not a GUID matches no route.
            .ProducesProblems(CommonProblems.NotFound)
            .WithResponseExample(StatusCodes.Status200OK, new CaptchaAnswer("K7M3X"));
    }
}
