namespace Reef.Engine.Checkpoints;

/// <summary>Every way a safetensors file can be wrong, named as the reference parser names them.</summary>
public enum SafetensorsError
{
    /// <summary>The file is shorter than the 8-byte header length.</summary>
    HeaderTooSmall,
    /// <summary>The declared header length is above the 100 MB limit.</summary>
    HeaderTooLarge,
    /// <summary>The declared header runs past the end of the file.</summary>
    InvalidHeaderLength,
    /// <summary>The header is not valid UTF-8.</summary>
    InvalidHeaderUtf8,
    /// <summary>The header is not the JSON object safetensors specifies.</summary>
    InvalidHeaderJson,
    /// <summary>A tensor name appears twice in the header.</summary>
    DuplicateTensor,
    /// <summary>A tensor entry is missing a field or has one of the wrong type.</summary>
    InvalidTensorEntry,
    /// <summary>A dtype this reader does not know.</summary>
    UnsupportedDtype,
    /// <summary>A tensor's offsets are reversed, overlap another tensor, or leave a gap.</summary>
    InvalidOffset,
    /// <summary>shape × dtype size does not equal the tensor's byte length.</summary>
    TensorInvalidInfo,
    /// <summary>Sizes computed from the header overflow.</summary>
    ValidationOverflow,
    /// <summary>The data section does not end exactly at the end of the file.</summary>
    MetadataIncompleteBuffer,
}

/// <summary>A safetensors file that fails validation; names the file, the tensor where there is one, and the rule.</summary>
public sealed class SafetensorsException(string file, SafetensorsError error, string detail)
    : InvalidInputException(file, $"invalid safetensors ({error}): {detail}")
{
    /// <summary>Which validation rule failed.</summary>
    public SafetensorsError Error { get; } = error;
}
