using Reef.Engine.Models;

namespace Reef.Engine.Tests;

/// <summary>
/// An independent float64 re-statement of Hugging Face transformers' forward pass for the supported families,
/// written from modeling_llama / mistral / qwen2 / gemma / phi3 / gpt2, in plain loops. It shares no code with
/// the engine's decoder: only the config record and the tensor names.
/// </summary>
public sealed class ReferenceDecoder(ModelConfig c, IReadOnlyDictionary<string, (double[] Values, long[] Shape)> w)
{
    bool IsGpt2 => c.Architecture == Architecture.Gpt2;
    string Prefix => IsGpt2 ? (w.ContainsKey("transformer.wte.weight") ? "transformer." : "") : "model.";
    double[] W(string name) => w[name].Values;

    /// <summary>Hidden states after every block: [layer][position][dim].</summary>
    public double[][][] Run(int[] ids)
    {
        var T = ids.Length;
        var d = c.HiddenSize;
        var x = new double[T][];
        var embed = W(IsGpt2 ? Prefix + "wte.weight" : "model.embed_tokens.weight");
        for (var t = 0; t < T; t++)
        {
            x[t] = new double[d];
            for (var j = 0; j < d; j++) x[t][j] = embed[ids[t] * d + j];
            if (c.Architecture == Architecture.Gemma)
                for (var j = 0; j < d; j++) x[t][j] *= Math.Sqrt(d);
            if (IsGpt2)
            {
                var wpe = W(Prefix + "wpe.weight");
                for (var j = 0; j < d; j++) x[t][j] += wpe[t * d + j];
            }
        }
        var outputs = new double[c.Layers][][];
        for (var layer = 0; layer < c.Layers; layer++)
        {
            x = IsGpt2 ? Gpt2Block(layer, x) : RotaryBlock(layer, x);
            outputs[layer] = x.Select(r => (double[])r.Clone()).ToArray();
        }
        return outputs;
    }

    double[][] RotaryBlock(int layer, double[][] x)
    {
        var p = $"model.layers.{layer}.";
        var T = x.Length;
        int d = c.HiddenSize, hd = c.HeadDim, H = c.Heads, KV = c.KvHeads, qDim = H * hd, kvDim = KV * hd, ffn = c.IntermediateSize;
        var h = x.Select(r => RmsNorm(r, W(p + "input_layernorm.weight"))).ToArray();
        double[][] q, k, v;
        if (c.Architecture == Architecture.Phi3)
        {
            // qkv_proj rows are q | k | v.
            var qkv = h.Select(r => Linear(r, W(p + "self_attn.qkv_proj.weight"), null, qDim + 2 * kvDim, d)).ToArray();
            q = qkv.Select(r => r[..qDim]).ToArray();
            k = qkv.Select(r => r[qDim..(qDim + kvDim)]).ToArray();
            v = qkv.Select(r => r[(qDim + kvDim)..]).ToArray();
        }
        else
        {
            double[]? Bias(string n) => w.ContainsKey(n) ? W(n) : null;
            q = h.Select(r => Linear(r, W(p + "self_attn.q_proj.weight"), Bias(p + "self_attn.q_proj.bias"), qDim, d)).ToArray();
            k = h.Select(r => Linear(r, W(p + "self_attn.k_proj.weight"), Bias(p + "self_attn.k_proj.bias"), kvDim, d)).ToArray();
            v = h.Select(r => Linear(r, W(p + "self_attn.v_proj.weight"), Bias(p + "self_attn.v_proj.bias"), kvDim, d)).ToArray();
        }
        var inv = InverseFrequencies();
        for (var t = 0; t < T; t++)
        {
            for (var head = 0; head < H; head++) Rotate(q[t], head * hd, t, inv);
            for (var head = 0; head < KV; head++) Rotate(k[t], head * hd, t, inv);
        }
        var window = c.Architecture == Architecture.Qwen2 && layer < c.MaxWindowLayers ? null : c.SlidingWindow;
        var context = Attend(q, k, v, H, KV, hd, window);
        var o = context.Select(r => Linear(r, W(p + "self_attn.o_proj.weight"), null, d, qDim)).ToArray();
        var x2 = Add(x, o);
        var h2 = x2.Select(r => RmsNorm(r, W(p + "post_attention_layernorm.weight"))).ToArray();
        var mlp = h2.Select(r =>
        {
            double[] gate, up;
            if (c.Architecture == Architecture.Phi3)
            {
                var gu = Linear(r, W(p + "mlp.gate_up_proj.weight"), null, 2 * ffn, d);
                (gate, up) = (gu[..ffn], gu[ffn..]);
            }
            else
            {
                gate = Linear(r, W(p + "mlp.gate_proj.weight"), null, ffn, d);
                up = Linear(r, W(p + "mlp.up_proj.weight"), null, ffn, d);
            }
            var act = gate.Select((g, i) => Activation(g) * up[i]).ToArray();
            return Linear(act, W(p + "mlp.down_proj.weight"), null, d, ffn);
        }).ToArray();
        return Add(x2, mlp);
    }

    double[][] Gpt2Block(int layer, double[][] x)
    {
        var p = $"{Prefix}h.{layer}.";
        int d = c.HiddenSize, hd = c.HeadDim, H = c.Heads, ffn = c.IntermediateSize;
        var h = x.Select(r => LayerNorm(r, W(p + "ln_1.weight"), W(p + "ln_1.bias"))).ToArray();
        var qkv = h.Select(r => Conv1D(r, W(p + "attn.c_attn.weight"), W(p + "attn.c_attn.bias"), d, 3 * d)).ToArray();
        var q = qkv.Select(r => r[..d]).ToArray();
        var k = qkv.Select(r => r[d..(2 * d)]).ToArray();
        var v = qkv.Select(r => r[(2 * d)..]).ToArray();
        var context = Attend(q, k, v, H, H, hd, null);
        var o = context.Select(r => Conv1D(r, W(p + "attn.c_proj.weight"), W(p + "attn.c_proj.bias"), d, d)).ToArray();
        var x2 = Add(x, o);
        var h2 = x2.Select(r => LayerNorm(r, W(p + "ln_2.weight"), W(p + "ln_2.bias"))).ToArray();
        var mlp = h2.Select(r =>
        {
            var fc = Conv1D(r, W(p + "mlp.c_fc.weight"), W(p + "mlp.c_fc.bias"), d, ffn).Select(Activation).ToArray();
            return Conv1D(fc, W(p + "mlp.c_proj.weight"), W(p + "mlp.c_proj.bias"), ffn, d);
        }).ToArray();
        return Add(x2, mlp);
    }

    /// <summary>softmax(q·k/√hd) v per head, causal, optional sliding window; query head h reads KV head h / (H / KV).</summary>
    static double[][] Attend(double[][] q, double[][] k, double[][] v, int H, int KV, int hd, int? window)
    {
        var T = q.Length;
        var output = new double[T][];
        for (var t = 0; t < T; t++)
        {
            output[t] = new double[H * hd];
            for (var head = 0; head < H; head++)
            {
                var kvHead = head / (H / KV);
                var scores = new double[t + 1];
                var max = double.NegativeInfinity;
                for (var s = 0; s <= t; s++)
                {
                    if (window is { } win && t - s >= win) { scores[s] = double.NegativeInfinity; continue; }
                    double dot = 0;
                    for (var j = 0; j < hd; j++) dot += q[t][head * hd + j] * k[s][kvHead * hd + j];
                    scores[s] = dot / Math.Sqrt(hd);
                    max = Math.Max(max, scores[s]);
                }
                double sum = 0;
                for (var s = 0; s <= t; s++) { scores[s] = Math.Exp(scores[s] - max); sum += scores[s]; }
                for (var s = 0; s <= t; s++)
                for (var j = 0; j < hd; j++)
                    output[t][head * hd + j] += scores[s] / sum * v[s][kvHead * hd + j];
            }
        }
        return output;
    }

    double[] InverseFrequencies()
    {
        var rot = (int)(c.HeadDim * c.PartialRotaryFactor);
        var rope = c.Rope!;
        var inv = Enumerable.Range(0, rot / 2).Select(i => 1.0 / Math.Pow(rope.Theta, 2.0 * i / rot)).ToArray();
        if (rope.Type != "llama3") return inv;
        // _compute_llama3_parameters in transformers' modeling_rope_utils.
        var lowWavelen = rope.OriginalMaxPositions / rope.LowFreqFactor;
        var highWavelen = rope.OriginalMaxPositions / rope.HighFreqFactor;
        return inv.Select(f =>
        {
            var wavelen = 2 * Math.PI / f;
            if (wavelen < highWavelen) return f;
            if (wavelen > lowWavelen) return f / rope.Factor;
            var smooth = (rope.OriginalMaxPositions / wavelen - rope.LowFreqFactor) / (rope.HighFreqFactor - rope.LowFreqFactor);
            return (1 - smooth) * f / rope.Factor + smooth * f;
        }).ToArray();
    }

    /// <summary>rotate_half: dimension i pairs with i + rot/2; dimensions past rot pass through.</summary>
    static void Rotate(double[] x, int offset, int position, double[] inv)
    {
        var half = inv.Length;
        for (var i = 0; i < half; i++)
        {
            var angle = position * inv[i];
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            double a = x[offset + i], b = x[offset + i + half];
            x[offset + i] = a * cos - b * sin;
            x[offset + i + half] = b * cos + a * sin;
        }
    }

    double[] RmsNorm(double[] x, double[] weight)
    {
        var variance = x.Sum(v => v * v) / x.Length;
        var scale = 1 / Math.Sqrt(variance + c.NormEps);
        var onePlus = c.Architecture == Architecture.Gemma;
        return x.Select((v, i) => v * scale * (onePlus ? 1 + weight[i] : weight[i])).ToArray();
    }

    double[] LayerNorm(double[] x, double[] weight, double[] bias)
    {
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + c.NormEps) * weight[i] + bias[i]).ToArray();
    }

    double Activation(double x) => c.Activation switch
    {
        "silu" => x / (1 + Math.Exp(-x)),
        _ => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
    };

    /// <summary>nn.Linear: weight [out, in].</summary>
    static double[] Linear(double[] x, double[] weight, double[]? bias, int outDim, int inDim)
    {
        var y = new double[outDim];
        for (var o = 0; o < outDim; o++)
        {
            double s = bias?[o] ?? 0;
            for (var i = 0; i < inDim; i++) s += weight[o * inDim + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    /// <summary>GPT-2's Conv1D: weight [in, out].</summary>
    static double[] Conv1D(double[] x, double[] weight, double[] bias, int inDim, int outDim)
    {
        var y = (double[])bias.Clone();
        for (var i = 0; i < inDim; i++)
        for (var o = 0; o < outDim; o++)
            y[o] += x[i] * weight[i * outDim + o];
        return y;
    }

    static double[][] Add(double[][] a, double[][] b) => a.Select((r, t) => r.Select((v, j) => v + b[t][j]).ToArray()).ToArray();
}
