using Reef.Engine;
using Reef.Engine.Checkpoints;

namespace Reef.Engine.Tests;

public sealed class FailureKindTests
{
    [Fact]
    public void EachKindOfFailureGetsItsOwnWord()
    {
        Assert.Equal(FailureKind.InvalidWeights, FailureKind.Of(new SafetensorsException("/hub/m/model.safetensors", SafetensorsError.HeaderTooLarge, "x")));
        Assert.Equal(FailureKind.UnsupportedConfig, FailureKind.Of(new InvalidInputException("/hub/m/config.json", "unsupported architecture 'BertModel'")));
        Assert.Equal(FailureKind.InvalidConfig, FailureKind.Of(new InvalidInputException("/hub/m/config.json", "not valid JSON")));
        Assert.Equal(FailureKind.InvalidCheckpoint, FailureKind.Of(new InvalidInputException("/hub/m", "no model.safetensors")));
        Assert.Equal(FailureKind.Io, FailureKind.Of(new FileNotFoundException("gone")));
        Assert.Equal(FailureKind.OutOfMemory, FailureKind.Of(new InvalidOperationException("CUDA out of memory. Tried to allocate 2 GiB")));
        Assert.Equal(FailureKind.Internal, FailureKind.Of(new InvalidOperationException("something else")));
    }
}
