using StarStudio.Data;
using StarStudio.Web;
using StarStudio.Web.Components;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddStarStudioData(builder.Configuration);
builder.Services.AddStarStudioWeb(builder.Configuration);

var app = builder.Build();

if (!await app.PrepareStarStudioAsync())
{
    return 3;
}

app.UseStarStudio();
app.MapStarStudioEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

return await app.RunStarStudioAsync();
