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

    /// <summary>
    /// A tokenizer.json made in memory (from a GGUF file's vocabulary), loaded by the library, which reads only files. The document
    /// goes into a temporary file that is unlinked before the library opens it by its descriptor (<c>/proc/self/fd</c>), so nothing
    /// is left in the temp folder however the process ends; errors name <paramref name="source"/>, the file the vocabulary came from.
    /// </summary>
    public static ModelTokenizer FromJson(System.Text.Json.Nodes.JsonObject document, string source)
    {
        var path = Path.Combine(Path.GetTempPath(), $"reef-tokenizer-{Guid.NewGuid():N}.json");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var byDescriptor = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
        var unlinked = false;
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists(byDescriptor))
            {
                File.Delete(path);
                unlinked = true;
            }
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream)) document.WriteTo(writer);
            stream.Flush();
            return new ModelTokenizer(new Tokenizers.DotNet.Tokenizer(unlinked ? byDescriptor : path));
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidInputException)
        {
            throw new InvalidInputException(source, $"its tokenizer could not be loaded by Hugging Face tokenizers ({e.Message})");
        }
        finally
        {
            stream.Dispose();
            if (!unlinked) File.Delete(path);
        }
    }

    /// <summary>Token ids of <paramref name="text"/>, special tokens included.</summary>
    public int[] Encode(string text) => _tokenizer.Encode(text).Select(id => (int)id).ToArray();

    public void Dispose() => _tokenizer.Dispose();
}
