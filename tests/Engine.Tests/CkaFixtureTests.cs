using System.Runtime.InteropServices;
using System.Text.Json;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;

namespace Reef.Engine.Tests;

/// <summary>REEF's reference CKA values on shared/fixtures/cka, from raw matrices and through fingerprint files.</summary>
public class CkaFixtureTests
{
    static readonly string Dir = Path.Combine(SharedData.Root, "fixtures", "cka");
    static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json"))).RootElement;

    static (float[] Values, int Rows, int Cols) Matrix(string name)
    {
        var shape = Cases.GetProperty("shapes").GetProperty(name);
        var values = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Dir, name + ".f32"))).ToArray();
        return (values, shape[0].GetInt32(), shape[1].GetInt32());
    }

    public static TheoryData<string, string, string> AllCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in Cases.GetProperty("cases").EnumerateArray())
        foreach (var definition in new[] { "linear_cka_reef", "rbf_cka_reef", "linear_cka_centered" })
            data.Add(c.GetProperty("x").GetString()!, c.GetProperty("y").GetString()!, definition);
        return data;
    }

    static double Expected(string y, string definition) =>
        Cases.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("y").GetString() == y).GetProperty(definition).GetDouble();

    static (Kernel, Preprocessing) Definition(string name) => name switch
    {
        "linear_cka_reef" => (Kernel.Linear, Preprocessing.Standardized),
        "rbf_cka_reef" => (Kernel.Rbf, Preprocessing.Standardized),
        _ => (Kernel.Linear, Preprocessing.Centered),
    };

    [Theory]
    [MemberData(nameof(AllCases))]
    public void RawMatricesReproduceReference(string x, string y, string definition)
    {
        var (mx, n, dx) = Matrix(x);
        var (my, _, dy) = Matrix(y);
        var (kernel, preprocessing) = Definition(definition);
        var cka = Cka.Compute(mx, dx, my, dy, n, kernel, preprocessing);
        Assert.True(Math.Abs(cka - Expected(y, definition)) <= 1e-4, $"{definition}({x}, {y}) = {cka}, expected {Expected(y, definition)}");
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void FingerprintFilesReproduceReference(string x, string y, string definition)
    {
        using var temp = new TempDirectory();
        var fx = WriteAndRead(temp, x);
        var fy = WriteAndRead(temp, y);
        var (kernel, preprocessing) = Definition(definition);
        var cka = LayerMatrix.Compute(fx, fy, kernel, preprocessing)[0, 0];
        Assert.True(Math.Abs(cka - Expected(y, definition)) <= 1e-4, $"{definition}({x}, {y}) = {cka}, expected {Expected(y, definition)}");
    }

    static Fingerprint WriteAndRead(TempDirectory temp, string name)
    {
        var (values, n, d) = Matrix(name);
        var activations = new CapturedActivations(n, d, [values]);
        var fingerprint = Fingerprint.FromActivations(activations, new ModelIdentity(name, "hash", "fixture", 1, d, 0), "fixture", "probe-hash", 0);
        var path = temp.Sub(name + ".reef");
        FingerprintFile.Write(fingerprint, path);
        return FingerprintFile.Read(path);
    }
}
