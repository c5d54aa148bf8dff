namespace Reef.Client.Reporting;

/// <summary>A matrix of scores in [0, 1] drawn as a PNG, each cell a square of pixels in the viridis colour map.</summary>
public static class Heatmap
{
    /// <summary>
    /// Draws <paramref name="rows"/> × <paramref name="cols"/> cells (value(i, j) for row i, column j) with cells of
    /// <paramref name="cell"/> pixels, so the image stays sharp when the page scales it with pixelated rendering.
    /// </summary>
    public static byte[] Png(int rows, int cols, Func<int, int, double> value, int cell)
    {
        if (cell < 1) throw new ArgumentOutOfRangeException(nameof(cell));
        int width = cols * cell, height = rows * cell;
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < cols; j++)
        {
            var (r, g, b) = ColorMap.Of(value(i, j));
            for (var y = i * cell; y < (i + 1) * cell; y++)
            for (var x = j * cell; x < (j + 1) * cell; x++)
            {
                var p = (y * width + x) * 3;
                rgb[p] = r;
                rgb[p + 1] = g;
                rgb[p + 2] = b;
            }
        }
        return PngEncoder.Encode(width, height, rgb);
    }

    /// <summary>A cell size that makes an n-cell side about <paramref name="pixels"/> wide (at least one pixel a cell).</summary>
    public static int CellFor(int n, int pixels) => Math.Max(1, pixels / Math.Max(1, n));
}
