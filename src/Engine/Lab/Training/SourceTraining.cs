using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Training;

/// <summary>
/// Trains a small Llama-architecture model from scratch on a text file and writes it as an ordinary Hugging
/// Face checkpoint: config.json, model.safetensors, a byte-level BPE tokenizer.json learned from the same
/// text, and reef_lineage.json.
/// </summary>
public static class SourceTraining
{
    public static TrainingResult Run(string textPath, string directory, ModelSize size, long seed, IProgress<ProgressUpdate>? progress = null)
    {
        if (!File.Exists(textPath)) throw new InvalidInputException(textPath, "text file does not exist");
        var text = ReadPrefix(textPath, size.CorpusBytes);
        progress?.Report(new ProgressUpdate("bpe", 0, size.Merges, "merges"));
        var merges = BpeTrainer.Train(text, size.Merges);
        progress?.Report(new ProgressUpdate("bpe", size.Merges, size.Merges, "merges"));
        Directory.CreateDirectory(directory);
        ByteLevelTokenizer.Write(directory, merges);
        var config = size.Config with { VocabSize = ByteLevelTokenizer.VocabSize(merges.Count) };

        using var tokenizer = ModelTokenizer.Load(Path.Combine(directory, "tokenizer.json"));
        var tokens = TokenCorpus.Load(textPath, tokenizer, size.CorpusBytes);
        var weights = RandomModel.Weights(config, seed);
        try
        {
            var result = Trainer.Train(config, weights, tokens, size.Options(seed), progress);
            ConfigWriter.Write(directory, config);
            SafetensorsWriter.WriteCheckpoint(directory, weights, Dtype.F32);
            new DerivationRecord("train", null, null, new Dictionary<string, string>
            {
                ["corpus"] = Path.GetFileName(textPath), ["size"] = size.Name, ["steps"] = size.Steps.ToString(),
                ["tokens"] = tokens.Length.ToString(), ["final_loss"] = result.FinalLoss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
            }, seed).Write(directory);
            return result;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    static string ReadPrefix(string path, long maxBytes)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[Math.Min(maxBytes, new FileInfo(path).Length)];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read);
    }
}
