using System.Reflection;

namespace Reef.Engine;

/// <summary>The engine's version, recorded in every fingerprint and report.</summary>
public static class EngineInfo
{
    /// <summary>Informational version of Reef.Engine.</summary>
    public static string Version { get; } =
        typeof(EngineInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
