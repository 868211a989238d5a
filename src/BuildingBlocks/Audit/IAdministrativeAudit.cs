namespace VssId.BuildingBlocks.Audit;

/// <summary>
/// An administrator's action in a module other than Credentials (an office's auto-approval switched, a registry or an
/// office list imported), recorded in the one audit trail administrators read (<c>GET /api/v1/admin/audit</c>).
/// Credentials keeps the trail and implements this; the other modules see only this interface.
/// </summary>
public interface IAdministrativeAudit
{
    /// <param name="actor">Who did it (<c>HttpContext.Actor()</c>).</param>
    /// <param name="action">A stable name from <see cref="AdministrativeActions"/>.</param>
    /// <param name="target">What it was done to (an office code), if anything.</param>
    /// <param name="detail">What changed, in a few words; never personal data.</param>
    Task Record(string actor, string action, string? target, string? detail, CancellationToken cancellationToken);
}

/// <summary>The administrative actions of modules other than Credentials, as the trail names them.</summary>
public static class AdministrativeActions
{
    public const string OfficeSettingsChanged = "office.settings_changed";
    public const string RegistryImported = "registry.imported";
    public const string OfficesImported = "offices.imported";
}
