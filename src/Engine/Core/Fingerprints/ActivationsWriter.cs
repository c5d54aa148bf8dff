using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// Exports raw activations: <c>layer_&lt;i&gt;.f32</c> (row-major little-endian float32, n × d, i from 0) and
/// <c>manifest.json</c> (n, d, layers, probe hash, model), for analysis outside ReefCluster.
/// </summary>
public static class ActivationsWriter
{
    /// <summary>Writes <paramref name="capture"/> into <paramref name="directory"/>.</summary>
    public static void Write(string directory, CaptureResult capture)
    {
        Directory.CreateDirectory(directory);
        var a = capture.Activations;
        for (var i = 0; i < a.LayerCount; i++)
        {
            using var stream = new FileStream(Path.Combine(directory, $"layer_{i}.f32"), FileMode.Create, FileAccess.Write);
            stream.Write(MemoryMarshal.AsBytes(a.Layers[i].AsSpan()));
        }
        var manifest = new JsonObject
        {
            ["n"] = a.Count,
            ["d"] = a.Width,
            ["layers"] = a.LayerCount,
            ["dtype"] = "float32",
            ["layout"] = "row-major little-endian, n x d, file layer_<i>.f32 for decoder block i (raw block output at the last token, before the final norm)",
            ["probe_set"] = capture.Probes.Name,
            ["probe_hash"] = capture.Probes.Hash,
            ["truncated"] = capture.Tokens.Truncated,
            ["method"] = Fingerprint.CurrentMethod,
            ["engine_version"] = EngineInfo.Version,
            ["model"] = JsonSerializer.SerializeToNode(capture.Model, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), manifest.ToJsonString(new() { WriteIndented = true }));
    }
}
