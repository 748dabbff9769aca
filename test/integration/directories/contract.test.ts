import { directoryContract } from '../../support/directory-contract.js';
import { configWorld, gitHubWorld, googleWorld, microsoftWorld, oktaWorld } from '../../support/directory-worlds.js';

directoryContract('config lists', configWorld);
directoryContract('Okta (okta-sdk-nodejs on the Okta stand-in)', oktaWorld);
directoryContract('GitHub (Octokit + GitHub App on the GitHub stand-in)', gitHubWorld);
directoryContract('Google Workspace (@googleapis/admin on the Directory API stand-in)', googleWorld);
directoryContract('Microsoft Entra (Graph client + @azure/identity on the HTTPS stand-in)', microsoftWorld);
