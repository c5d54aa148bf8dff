namespace Reef.Client.Reporting;

/// <summary>
/// Viridis (matplotlib's default): perceptually uniform, readable in grey and by most colour-blind readers.
/// Scores outside [0, 1] are clamped; a missing score (NaN) is light grey.
/// </summary>
public static class ColorMap
{
    // Viridis sampled at 0, 1/8, ..., 1.
    static readonly (byte R, byte G, byte B)[] Stops =
    [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141), (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ];

    public static readonly (byte R, byte G, byte B) Missing = (225, 225, 225);

    public static (byte R, byte G, byte B) Of(double value)
    {
        if (double.IsNaN(value)) return Missing;
        var x = Math.Clamp(value, 0, 1) * (Stops.Length - 1);
        var i = Math.Min((int)x, Stops.Length - 2);
        var t = x - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        return ((byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));
    }

    public static string Css(double value)
    {
        var (r, g, b) = Of(value);
        return $"#{r:x2}{g:x2}{b:x2}";
    }
}
