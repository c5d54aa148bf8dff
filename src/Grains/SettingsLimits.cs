using Reef.Engine;
using Reef.Grains.Abstractions;

namespace Reef.Grains;

/// <summary>The input limits a scan's settings carry to the silos that read its checkpoints.</summary>
public static class SettingsLimits
{
    /// <summary>The limits of <paramref name="settings"/>: the defaults wherever they say 0 (settings stored before limits were sent).</summary>
    public static InputLimits Limits(this ExtractionSettings settings) => InputLimits.Default with
    {
        MaxTokenizerBytes = settings.MaxTokenizerBytes > 0 ? settings.MaxTokenizerBytes : InputLimits.Default.MaxTokenizerBytes,
        MaxHeaderBytes = settings.MaxHeaderBytes > 0 ? settings.MaxHeaderBytes : InputLimits.Default.MaxHeaderBytes,
    };
}
