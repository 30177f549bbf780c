# syntax=docker/dockerfile:1
# StarStudio web app. Build: docker build -t starstudio .   (docker-compose.yml does this)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first so the restore layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY StarStudio.Core/StarStudio.Core.csproj StarStudio.Core/
COPY StarStudio.Parsing/StarStudio.Parsing.csproj StarStudio.Parsing/
COPY StarStudio.ParserWorker/StarStudio.ParserWorker.csproj StarStudio.ParserWorker/
COPY StarStudio.Data/StarStudio.Data.csproj StarStudio.Data/
COPY StarStudio.Web/StarStudio.Web.csproj StarStudio.Web/
RUN dotnet restore StarStudio.Web/StarStudio.Web.csproj
COPY StarStudio.Core/ StarStudio.Core/
COPY StarStudio.Parsing/ StarStudio.Parsing/
COPY StarStudio.ParserWorker/ StarStudio.ParserWorker/
COPY StarStudio.Data/ StarStudio.Data/
COPY StarStudio.Web/ StarStudio.Web/
COPY wwwroot-assets/ wwwroot-assets/
RUN dotnet publish StarStudio.Web/StarStudio.Web.csproj -c Release -o /app --no-restore -p:UseAppHost=false
# The parser worker (StarStudio.ParserWorker.dll and its runtimeconfig) is published with the app through Data's
# project reference; the app refuses to start without it, so check here rather than at the first upload.
RUN test -f /app/StarStudio.ParserWorker.dll && test -f /app/StarStudio.ParserWorker.runtimeconfig.json

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
COPY --from=build /app ./
# Chromium prints the 星等报告 (magnitude report) PDF; the CJK fonts make its Chinese text render (docs/magnitude.md).
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
ENV STARSTUDIO_CHROMIUM=/usr/bin/chromium
# The Data Protection key directory exists in the image, owned by the app user and private (0700), so the
# named volume compose mounts there starts out that way (a volume over a missing directory would be root's).
RUN mkdir -p /home/app/keys && chown "$APP_UID" /home/app/keys && chmod 700 /home/app/keys
# The aspnet image ships a non-root "app" user; APP_UID is its uid.
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "StarStudio.Web.dll"]
