using Microsoft.Extensions.Options;
using StarStudio.Data.Knowledge.Semantic;

namespace StarStudio.Tests.Unit.Knowledge.Semantic;

/// <summary>The question side of the semantic model: the model's own vector, computed once for a burst of the same question.</summary>
public sealed class SemanticModelTests
{
    [Fact]
    public async Task EmbedQuestion_BurstOfTheSameQuestion_GetsTheModelsVector_EachCallerItsOwnCopy()
    {
        var model = new SemanticModel(Options.Create(new SemanticOptions { QuestionConcurrency = 1 }));
        const string question = "How is sourdough bread leavened?";

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => model.EmbedQuestionAsync(question))));
        answers[0][0] = 42f;

        Assert.Equal(model.Embedder.Embed(question), answers[1]);
        Assert.All(answers.Skip(1), a => Assert.Equal(answers[1], a));
        Assert.Equal(model.Embedder.Embed(question), await model.EmbedQuestionAsync(question));
    }

    [Fact]
    public async Task WaitForQuiet_ReturnsAtOnceWithoutQuestions_AndWaitsAfterOne()
    {
        var model = new SemanticModel(Options.Create(new SemanticOptions()));
        await model.WaitForQuietAsync(TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(5));

        await model.EmbedQuestionAsync("What does the indexer wait for?");
        var waiting = model.WaitForQuietAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);

        Assert.False(waiting.IsCompleted);
        await model.WaitForQuietAsync(TimeSpan.FromMilliseconds(1)).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
