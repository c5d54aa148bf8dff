namespace Reef.Engine.Tokenization;

/// <summary>
/// A checkpoint's <c>tokenizer.json</c> run by Hugging Face's own tokenizers library (Tokenizers.DotNet).
/// Its Encode applies the post-processor, so special tokens are added exactly as
/// <c>tokenizer.encode(text)</c> adds them (Llama: BOS), as REEF tokenizes.
/// </summary>
public sealed class ModelTokenizer : IDisposable
{
    readonly Tokenizers.DotNet.Tokenizer _tokenizer;

    ModelTokenizer(Tokenizers.DotNet.Tokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>
    /// Loads <paramref name="path"/>, a regular file of at most <paramref name="maxBytes"/> (the library reads it whole,
    /// several times its size in memory); a bad file is an <see cref="InvalidInputException"/> naming it.
    /// </summary>
    public static ModelTokenizer Load(string path, long? maxBytes = null)
    {
        InputFiles.CheckSize(path, "tokenizer.json", InputFiles.RequireRegular(path, "tokenizer.json"), maxBytes ?? InputLimits.Default.MaxTokenizerBytes,
            "--max-tokenizer-bytes");
        try { return new ModelTokenizer(new Tokenizers.DotNet.Tokenizer(path)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidInputException(path, $"tokenizer.json could not be loaded by Hugging Face tokenizers ({e.Message})");
        }
    }

    /// <summary>Token ids of <paramref name="text"/>, special tokens included.</summary>
    public int[] Encode(string text) => _tokenizer.Encode(text).Select(id => (int)id).ToArray();

    public void Dispose() => _tokenizer.Dispose();
}
