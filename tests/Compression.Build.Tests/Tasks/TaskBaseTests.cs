using Compression.Build.Diagnostics;
using Compression.Build.Tasks;
using Microsoft.Build.Framework;

namespace Compression.Build.Tests.Tasks;

/// <summary>Coded failures are logged in one place (docs/msbuild.md, "One way to fail"); these keep it that way.</summary>
public sealed class TaskBaseTests
{
    private sealed class Failing(Exception exception) : ModelCompressionTask
    {
        protected override void ExecuteCore()
        {
            Log.LogWarning("before the failure");
            throw exception;
        }
    }

    [Fact]
    public void A_coded_exception_from_ExecuteCore_is_one_error_with_its_code_and_file_and_Execute_returns_false()
    {
        var engine = new FakeBuildEngine();
        var task = new Failing(new ModelCompressionException("MCB3009", "/app/obj/x.json", "cannot write")) { BuildEngine = engine };
        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal(("MCB3009", "/app/obj/x.json", "cannot write"), (error.Code, error.File, error.Message));
        Assert.Single(engine.Warnings);
    }

    [Fact]
    public void Any_other_exception_is_a_bug_and_reaches_MSBuild_with_its_stack()
    {
        var task = new Failing(new InvalidOperationException("bug")) { BuildEngine = new FakeBuildEngine() };
        Assert.Throws<InvalidOperationException>(() => task.Execute());
    }

    [Fact]
    public void Every_task_derives_from_one_of_the_two_bases_so_none_logs_its_own_way()
    {
        var tasks = typeof(ModelCompressionTask).Assembly.GetTypes()
            .Where(t => typeof(ITask).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        Assert.True(tasks.Count >= 4, string.Join(", ", tasks));
        Assert.All(tasks, t => Assert.True(t.IsSubclassOf(typeof(ModelCompressionTask)) || t.IsSubclassOf(typeof(EngineToolTask)), t.Name));
    }
}
